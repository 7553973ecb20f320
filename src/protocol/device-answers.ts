// The exact response bodies a device gets (PROTOCOL.md A3/A4). Pull answers embed the stored OKM
// text verbatim so its CRC stays valid.

import type { ErrorCode } from '../errors.js';

/** `{"push":true,"pull":<isPullPending>}`: the OKM is durably stored. */
export function encodePushAnswer(isPullPending: boolean): string {
  return isPullPending ? '{"push":true,"pull":true}' : '{"push":true,"pull":false}';
}

/** `{"okm":{...},"pull":<isMorePending>}` with the OKM text as stored. */
export function encodePullAnswer(okmText: string, isMorePending: boolean): string {
  return `{"okm":${okmText},"pull":${isMorePending ? 'true' : 'false'}}`;
}

/** `{"pull":false}`: nothing to deliver (also the answer to a bare `GET /pull`). */
export function encodeIdlePullAnswer(): string {
  return '{"pull":false}';
}

/** The body of every device-route error: never `push:true`, never a stack trace. */
/** `reason` (a word from a fixed set, such as a replay's `stale`) is added when the code has several causes. */
export function encodeDeviceError(code: ErrorCode, reason?: string): string {
  return reason === undefined
    ? `{"push":false,"pull":false,"error":"${code}"}`
    : `{"push":false,"pull":false,"error":"${code}","reason":${JSON.stringify(reason)}}`;
}
