// Decodes the `req` of a /push (PROTOCOL.md A3): `{"okm":{...},"ts":"..."}`, keeping the OKM's exact
// text (cut out of `req`, never re-serialised) and every other envelope member.

import { OpenTpsError } from '../errors.js';
import { describeDuplicateMember, findDuplicateMember } from './json-duplicate-members.js';
import { findTopLevelMember } from './json-member-spans.js';
import { decodeUpstreamOkm, isJsonObject, type JsonObject, type UpstreamOkm } from './upstream-okm.js';

export interface PushRequest {
  readonly reqText: string;
  readonly okm: UpstreamOkm;
  /** `req.ts`, the CWM's time of the request, when it is a string. */
  readonly requestTs: string | null;
  /** Every member of `req` other than `okm` (ts, gwmac, ...), kept for the operator. */
  readonly envelope: JsonObject;
}

const utf8 = new TextEncoder();

/**
 * Parses `reqText` as JSON, naming the failure. A member name given twice in one object, at any depth
 * (the OKM's included), is refused: JSON.parse would keep the last copy, while the stored text is read
 * by other parsers that keep the first (an OKM with two `_src` would belong to two devices).
 * @throws OpenTpsError ERR_REQUEST_NOT_JSON, ERR_OKM_DUPLICATE_KEY, ERR_REQUEST_NOT_OBJECT
 */
export function parseReqJson(reqText: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(reqText);
  } catch (cause) {
    throw new OpenTpsError('ERR_REQUEST_NOT_JSON', undefined, { cause });
  }
  const duplicate = findDuplicateMember(reqText);
  if (duplicate !== null) throw new OpenTpsError('ERR_OKM_DUPLICATE_KEY', describeDuplicateMember(duplicate, 'req'));
  if (!isJsonObject(value)) throw new OpenTpsError('ERR_REQUEST_NOT_OBJECT');
  return value;
}

/**
 * @param maxOkmBytes the largest OKM (UTF-8 bytes of its text) accepted.
 * @throws OpenTpsError for every malformed shape; see docs/errors.md.
 */
export function decodePushRequest(reqText: string, maxOkmBytes: number): PushRequest {
  const req = parseReqJson(reqText);
  if (!('okm' in req)) throw new OpenTpsError('ERR_REQUEST_MISSING_OKM');
  const span = findTopLevelMember(reqText, 'okm');
  if (!span) throw new OpenTpsError('ERR_REQUEST_MISSING_OKM');
  const okmText = reqText.slice(span.valueStart, span.valueEnd);
  // Cheap upper bound first: a UTF-16 length within limit/3 cannot exceed the limit in UTF-8.
  if (okmText.length > maxOkmBytes / 3 && utf8.encode(okmText).length > maxOkmBytes) {
    throw new OpenTpsError('ERR_OKM_TOO_LARGE', `limit is ${maxOkmBytes} bytes`);
  }
  const okm = decodeUpstreamOkm(okmText, req['okm']);
  // Object.fromEntries defines own properties: a member named "__proto__" is kept as data instead of
  // becoming the envelope's prototype (and vanishing from what the operator sees).
  const envelope: JsonObject = Object.fromEntries(Object.entries(req).filter(([key]) => key !== 'okm'));
  const ts = req['ts'];
  return { reqText, okm, requestTs: typeof ts === 'string' ? ts : null, envelope };
}
