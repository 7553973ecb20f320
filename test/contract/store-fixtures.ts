// Builders for the store contract: valid inputs to the Store port with only the fields a test cares
// about spelled out. Backend-agnostic: nothing here knows how a store keeps its data.

import assert from 'node:assert/strict';
import { isOpenTpsError, type ErrorCode } from '../../src/errors.js';
import type { Store } from '../../src/domain/store.js';
import type { MessageRecord, NewMessage } from '../../src/domain/message-store.js';
import type { PushRecord } from '../../src/domain/telemetry-store.js';
import type { TrafficEntry } from '../../src/domain/traffic-store.js';

/** A fixed instant for the fake clock: tests pass plain numbers, never read the wall clock. */
export const T0 = 1_800_000_000_000;
export const HOUR_MS = 3_600_000;
/** The delivery lease the contract uses, as a /pull would. */
export const LEASE_MS = 30_000;

export const CWM_A = '0002010203040506';
export const CWM_B = '0002AABBCCDDEEFF';
export const OKE_1 = '036334d0b8df1f05';
export const OKE_2 = '036334d0b8df1f06';

/** The store as the running test sees it; `reopen` replaces it with a fresh handle on the same data. */
export interface ContractContext {
  readonly store: Store;
  reopen(): Promise<Store>;
}

/** Registers a CWM with a key, as an operator would. */
export async function registerDevice(store: Store, id: string, atMs = T0): Promise<void> {
  await store.addDevice({ id, key: `key-of-${id}`, name: null, createdAtMs: atMs });
}

/** A message for `cwmId` created at T0 that lives an hour, addressed to the CWM itself unless told otherwise. */
export function newMessage(cwmId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  const destination = overrides.destination ?? [cwmId];
  const cmd = overrides.cmd ?? 'wr';
  const payload = overrides.payload ?? { cmd: { relay: 1 } };
  return {
    cwmId,
    destination,
    cmd,
    payload,
    createdAtMs: T0,
    expiresAtMs: T0 + HOUR_MS,
    maxQueued: 100,
    ts: '2027-01-15T08:00:00Z',
    ...overrides,
  };
}

/** An upstream OKM as push ingest hands it to the store: from `originId` via `cwmId`, valid CRC, signed. */
export function pushRecord(cwmId: string, overrides: Partial<PushRecord> = {}): PushRecord {
  const originId = overrides.originId ?? cwmId;
  const okmId = overrides.okmId === undefined ? 7 : overrides.okmId;
  const payload = overrides.payload === undefined ? { _hbt: { temp: 180 } } : overrides.payload;
  const cmd = overrides.cmd === undefined ? 'wr' : overrides.cmd;
  const ts = overrides.ts === undefined ? '2027-01-15T08:00:00' : overrides.ts;
  const source = originId === cwmId ? [cwmId] : [originId, cwmId];
  // The text says what the other fields say, as it does for every OKM push ingest hands over.
  const text: Record<string, unknown> = { _src: source };
  if (cmd !== null) text['_cmd'] = cmd;
  if (okmId !== null) text['_id'] = okmId;
  if (ts !== null) text['_ts'] = ts;
  text['_crc'] = 'ABCD';
  if (payload !== null) text['_pld'] = payload;
  return {
    cwmId,
    originId,
    cmd,
    okmId,
    ts,
    tsEpochMs: T0,
    isTsLocal: true,
    receivedAtMs: T0,
    crcVerdict: 'valid',
    crcReceived: 'ABCD',
    crcExpected: 'ABCD',
    auth: 'hmac',
    rawOkm: JSON.stringify(text),
    payload,
    envelope: { ts: '2027-01-15T08:00:01' },
    remoteAddress: '192.0.2.10',
    dedupKey: okmId === null ? null : `dedup-${originId}-${okmId}`,
    heartbeat: null,
    answerCandidate: null,
    ...overrides,
  };
}

/** One recorded device request. */
export function trafficEntry(deviceId: string | null, overrides: Partial<TrafficEntry> = {}): TrafficEntry {
  return {
    deviceId,
    claimedDeviceId: deviceId ?? 'FFFF000000000000',
    receivedAtMs: T0,
    remoteAddress: '192.0.2.10',
    method: 'POST',
    url: '/push?req=%7B%7D',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    status: 200,
    response: '{"push":true,"pull":false}',
    durationMs: 1.5,
    signatureVerdict: 'valid',
    crcVerdict: 'valid',
    errorCode: null,
    clientCertSubject: null,
    clientCertSerial: null,
    ...overrides,
  };
}

/** A predicate for assert.rejects: the OpenTPS error with `code`. */
export function isCode(code: ErrorCode): (error: unknown) => boolean {
  return (error: unknown) => isOpenTpsError(error, code);
}

/** Leases the next message and confirms its delivery, as a completed /pull does. */
export async function deliverNext(store: Store, cwmId: string, nowMs = T0): Promise<MessageRecord> {
  const leased = await store.leaseNextMessage(cwmId, nowMs, nowMs + LEASE_MS);
  assert.ok(leased, `a message should be deliverable to ${cwmId}`);
  await store.confirmDelivery(leased.message.id, nowMs);
  return leased.message;
}

export async function stateOf(store: Store, messageId: number): Promise<string | undefined> {
  return (await store.findMessage(messageId))?.state;
}
