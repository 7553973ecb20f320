// Checks a raw message typed by the operator before it is sent, with the rules the server applies.
// A member name given twice is refused with the server's own detector and words
// (src/protocol/json-duplicate-members.ts): JSON.parse here would keep the last value and send only that.
import { describeDuplicateMember, findDuplicateMember } from '../../../src/protocol/json-duplicate-members.js';
import type { MessageCmd, NewMessage } from '../api-model.js';
import { isJsonObject } from '../json-object.js';

export interface RawMessageInput {
  readonly destinationText: string;
  readonly cmd: string;
  readonly payloadText: string;
  /** Empty for the server's default TTL. */
  readonly ttlText: string;
}

export type RawMessageVerdict =
  | { readonly isValid: true; readonly message: NewMessage }
  | { readonly isValid: false; readonly errors: readonly string[] };

const MAX_TTL_S = 31_536_000;
/** Device ids: 1-64 printable ASCII characters without spaces, quotes or backslashes (docs/errors.md). */
const DEVICE_ID_PATTERN = /^[\x21\x23-\x26\x28-\x5b\x5d-\x7e]{1,64}$/;

/** Parses `text` for `field`, pushing the reason to `errors` when it is not JSON or names a member twice. */
function parseJson(field: '_dst' | '_pld', text: string, errors: string[]): { readonly isParsed: true; readonly value: unknown } | { readonly isParsed: false } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    errors.push(`${field} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    return { isParsed: false };
  }
  const duplicate = findDuplicateMember(text);
  if (duplicate !== null) {
    errors.push(describeDuplicateMember(duplicate, field));
    return { isParsed: false };
  }
  return { isParsed: true, value };
}

function checkDestination(text: string, cwmId: string, errors: string[]): string[] | null {
  const parsed = parseJson('_dst', text, errors);
  if (!parsed.isParsed) return null;
  const value = parsed.value;
  if (!Array.isArray(value) || value.length === 0) {
    errors.push('_dst must be a non-empty array of device ids.');
    return null;
  }
  const ids: string[] = [];
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'string' || !DEVICE_ID_PATTERN.test(item)) {
      errors.push(`_dst[${index}] must be a device id (1-64 printable ASCII characters, no spaces, quotes or backslashes).`);
      return null;
    }
    ids.push(item);
  }
  if (ids[ids.length - 1] !== cwmId) errors.push(`The last id in _dst must be this CWM, ${cwmId}.`);
  return ids;
}

function checkCmd(cmd: string, errors: string[]): MessageCmd | null {
  if (cmd === 'wr' || cmd === 'rd') return cmd;
  errors.push('_cmd must be "wr" or "rd".');
  return null;
}

function checkPayload(text: string, errors: string[]): Record<string, unknown> | null {
  const parsed = parseJson('_pld', text, errors);
  if (!parsed.isParsed) return null;
  if (!isJsonObject(parsed.value)) {
    errors.push('_pld must be a JSON object, e.g. {"cmd":{"relay":1}}.');
    return null;
  }
  return parsed.value;
}

function checkTtl(text: string, errors: string[]): number | null {
  if (text.trim() === '') return null;
  const ttlS = Number(text);
  if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > MAX_TTL_S) {
    errors.push(`The TTL must be a whole number of seconds from 1 to ${MAX_TTL_S}.`);
    return null;
  }
  return ttlS;
}

/**
 * Validates the raw editor's fields for a message to `cwmId`.
 * @example
 * validateRawMessage({ destinationText: '["CWM1"]', cmd: 'rd', payloadText: '{"_ping":true}', ttlText: '' }, 'CWM1')
 * // -> { isValid: true, message: { destination: ['CWM1'], cmd: 'rd', payload: { _ping: true } } }
 */
export function validateRawMessage(input: RawMessageInput, cwmId: string): RawMessageVerdict {
  const errors: string[] = [];
  const destination = checkDestination(input.destinationText, cwmId, errors);
  const cmd = checkCmd(input.cmd, errors);
  const payload = checkPayload(input.payloadText, errors);
  const ttlSeconds = checkTtl(input.ttlText, errors);
  if (errors.length > 0 || destination === null || cmd === null || payload === null) {
    return { isValid: false, errors };
  }
  const message: NewMessage = ttlSeconds === null ? { destination, cmd, payload } : { destination, cmd, payload, ttlSeconds };
  return { isValid: true, message };
}
