// Builds device requests the way a CWM does: OKM text with a correct CRC, `req` JSON, HMAC, URL encoding.

import { sealOkmCrc } from '../../src/protocol/okm-crc.js';
import { signRequest } from '../../src/protocol/request-signature.js';

export interface HeartbeatOptions {
  readonly cwmId: string;
  readonly okeId?: string;
  readonly id: number;
  readonly ts?: string;
  readonly payload?: Record<string, unknown>;
}

/** An upstream OKM text with a correct CRC, in the vendor's key order. */
export function buildUpstreamOkm(options: HeartbeatOptions): string {
  const source = options.okeId === undefined ? [options.cwmId] : [options.okeId, options.cwmId];
  const payload = options.payload ?? { _hbt: { temp: 180, door: 0 } };
  return sealOkmCrc(
    `{"_src":${JSON.stringify(source)},"_cmd":"wr","_id":${options.id},"_ts":${JSON.stringify(options.ts ?? '2026-11-24T12:00:00')},"_crc":"0000","_pld":${JSON.stringify(payload)}}`,
  );
}

/** The `req` text of a push carrying `okmText`. */
export function pushReqText(okmText: string, ts = '2026-11-24T12:00:01'): string {
  return `{"okm":${okmText},"ts":${JSON.stringify(ts)}}`;
}

// A CWM's clock moves on between its pulls, and the server takes each signed pull once (replay
// protection): every pull built without an explicit `ts` reads one second later than the one before.
let nextPullClockMs = Date.UTC(2026, 10, 24, 12, 0, 1);

/** The next second of the test CWMs' clock, in the `ts` style (local wall time without a zone). */
export function nextPullTs(): string {
  const ts = new Date(nextPullClockMs).toISOString().slice(0, 19);
  nextPullClockMs += 1000;
  return ts;
}

/** The `req` text of a pull; without `ts`, a new one each call (nextPullTs). */
export function pullReqText(deviceId: string, lokm = true, ts = nextPullTs()): string {
  return JSON.stringify({ devid: deviceId, ts, lokm });
}

/** `/path?sha256hmac=...&req=...` signed with `key` (omit the key for an unsigned request). */
export function signedPath(path: string, reqText: string, key?: string): string {
  const signature = key === undefined ? '' : `sha256hmac=${signRequest(reqText, key)}&`;
  return `${path}?${signature}req=${encodeURIComponent(reqText)}`;
}
