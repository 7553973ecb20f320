// Handles one /push (PROTOCOL.md A3): authenticate, store the OKM durably and idempotently, update
// device state, match answers to delivered messages, and say whether the CWM should pull.

import { createHash } from 'node:crypto';
import { OpenTpsError } from '../errors.js';
import { encodePushAnswer } from '../protocol/device-answers.js';
import { decodePushRequest, type PushRequest } from '../protocol/push-request.js';
import { parseOkmTimestamp } from '../protocol/okm-timestamp.js';
import { isJsonObject, type UpstreamOkm } from '../protocol/upstream-okm.js';
import type { AuthMode } from './auth-mode.js';
import type { RequestRateLimiter } from './request-rate-limiter.js';
import type { RollupFolder } from './rollup-folder.js';
import type { MismatchCounter } from './equipment-model/mismatch-counter.js';
import { modelIdOfOrigin } from './equipment/equipment-model-of.js';
import type { GatewayMacRecorder } from './sites/gateway-mac-recorder.js';
import type { AlertEngine } from './alerts/alert-engine.js';
import { gatewayMacOfRequest } from './sites/request-gateway-mac.js';
import type { Clock } from './clock.js';
import type { EventBus } from './event-bus.js';
import { authenticateSignedRequest } from './device-authenticator.js';
import type { RequestObservation } from './request-observation.js';
import type { Store } from './store.js';
import type { PushOutcome, PushRecord } from './telemetry-store.js';

export interface PushIngestDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly authMode: AuthMode;
  /** Requests per authenticated device; unlimited when absent. */
  readonly deviceRateLimiter?: RequestRateLimiter | undefined;
  readonly maxOkmBytes: number;
  /** Live events for the console; none when absent (CLI). */
  readonly events?: EventBus | undefined;
  /** Folds each stored OKM into rollups; none when absent (CLI, tests of other things). */
  readonly rollups?: Pick<RollupFolder, 'add'> | undefined;
  /** Counts heartbeat values that do not fit their dictionary; none when absent. */
  readonly mismatches?: Pick<MismatchCounter, 'add'> | undefined;
  /** Records the gateway MAC the request carried; none when absent. */
  readonly gatewayMacs?: Pick<GatewayMacRecorder, 'note'> | undefined;
  /** Alert evaluation of each stored OKM (in memory, never waited for); none when absent (CLI). */
  readonly alerts?: Pick<AlertEngine, 'observePush'> | undefined;
}

export interface PushParams {
  readonly encodedReq: string | undefined;
  readonly signature: string | undefined;
  readonly remoteAddress: string | null;
  /** The `gwmac` parameter of the request, as sent. */
  readonly gatewayMac?: string | undefined;
}

export interface PushResult {
  readonly body: string;
  readonly outcome: PushOutcome;
}

export interface PushIngest {
  ingestPush(params: PushParams, observation: RequestObservation): Promise<PushResult>;
}

export function createPushIngest(deps: PushIngestDeps): PushIngest {
  return {
    async ingestPush(params, observation) {
      if (params.encodedReq === undefined) throw new OpenTpsError('ERR_REQUEST_MISSING_REQ');
      const { request, device, verdict } = await authenticateSignedRequest(
        deps,
        { encodedReq: params.encodedReq, signature: params.signature },
        (text) => decodePushRequest(text, deps.maxOkmBytes),
        (push) => push.okm.cwmId,
        observation,
      );
      observation.crcVerdict = request.okm.crc.verdict;
      if (!device) {
        await deps.store.addDiscoveredDevice(request.okm.cwmId, deps.clock.nowMs());
        observation.deviceId = request.okm.cwmId;
      }
      const record = toPushRecord(request, verdict, deps.clock.nowMs(), params.remoteAddress);
      const outcome = await deps.store.recordPush(record);
      observation.okmOutcome = outcome.isDuplicate ? 'duplicate' : 'stored';
      if (!outcome.isDuplicate) {
        deps.rollups?.add(record.originId, record.receivedAtMs, record.heartbeat);
        deps.mismatches?.add(modelIdOfOrigin(record.originId, record.cwmId), record.originId, record.receivedAtMs, record.heartbeat);
        deps.alerts?.observePush({ cwmId: record.cwmId, originId: record.originId, atMs: record.receivedAtMs, heartbeat: record.heartbeat, crcVerdict: record.crcVerdict });
      }
      const gatewayMac = gatewayMacOfRequest(params.gatewayMac, request.envelope);
      if (gatewayMac !== null) deps.gatewayMacs?.note(record.cwmId, gatewayMac);
      if (deps.events && !outcome.isDuplicate) await publishPushEvents(deps.store, deps.events, record, outcome);
      return { body: encodePushAnswer(outcome.isPullPending), outcome };
    },
  };
}

async function publishPushEvents(store: Store, events: EventBus, record: PushRecord, outcome: PushOutcome): Promise<void> {
  events.publish({ type: 'device-seen', deviceId: record.cwmId, atMs: record.receivedAtMs });
  if (record.heartbeat !== null) {
    events.publish({ type: 'telemetry', cwmId: record.cwmId, originId: record.originId, atMs: record.receivedAtMs, fields: record.heartbeat });
  }
  if (outcome.answeredMessageId !== null) {
    const message = await store.findMessage(outcome.answeredMessageId);
    if (message) events.publish({ type: 'message-state', message });
  }
}

/**
 * The dedup identity of PROTOCOL.md A3 (same CWM, `_id`, `_ts`, `_crc`), narrowed to the same origin
 * device. Where the `_crc` is not a valid check of the text (missing, wrong, malformed) it cannot stand
 * for the content, so a digest of the exact text does: two different OKMs from a device that never
 * computes CRCs are both kept, while a byte-identical re-send is still recognised.
 */
export function dedupKeyOf(okm: UpstreamOkm): string | null {
  if (okm.id === null) return null;
  const content = okm.crc.verdict === 'valid' ? okm.crc.received : `sha256:${createHash('sha256').update(okm.text).digest('base64url')}`;
  return JSON.stringify([okm.id, okm.ts, content]);
}

/** A heartbeat is an OKM whose payload carries an `_hbt` object. */
export function heartbeatOf(okm: UpstreamOkm): Record<string, unknown> | null {
  const heartbeat = okm.payload?.['_hbt'];
  return isJsonObject(heartbeat) ? heartbeat : null;
}

/**
 * Whether this OKM can be the answer to a delivered message: it has an `_id` and is not a plain
 * heartbeat (an OKE numbers its heartbeats itself, so a heartbeat `_id` equal to a message `_id` is chance).
 */
export function isAnswerCandidate(okm: UpstreamOkm): boolean {
  if (okm.id === null) return false;
  const keys = okm.payload ? Object.keys(okm.payload) : [];
  return !(keys.length === 1 && keys[0] === '_hbt');
}

function toPushRecord(request: PushRequest, auth: PushRecord['auth'], nowMs: number, remoteAddress: string | null): PushRecord {
  const { okm } = request;
  const ts = okm.ts === null ? null : parseOkmTimestamp(okm.ts);
  return {
    cwmId: okm.cwmId,
    originId: okm.originId,
    cmd: okm.cmd,
    okmId: okm.id,
    ts: okm.ts,
    tsEpochMs: ts === null ? null : ts.kind === 'zoned' ? ts.epochMs : ts.wallClockMs,
    isTsLocal: ts?.kind === 'local',
    receivedAtMs: nowMs,
    crcVerdict: okm.crc.verdict,
    crcReceived: okm.crc.received,
    crcExpected: okm.crc.expected,
    auth,
    rawOkm: okm.text,
    payload: okm.payload,
    envelope: request.envelope,
    remoteAddress,
    dedupKey: dedupKeyOf(okm),
    heartbeat: heartbeatOf(okm),
    answerCandidate: isAnswerCandidate(okm) && okm.id !== null ? { okmId: okm.id } : null,
  };
}
