// Validates an operator's message (PROTOCOL.md A5, the vendor's /pullform done properly) before
// anything is queued: `_dst` a non-empty array of device ids, `_cmd` wr|rd, `_pld` an object.

import { OpenTpsError } from '../errors.js';
import { cwmIdFromDestination, isValidDeviceId } from '../protocol/device-id.js';
import { describeDuplicateMember, findDuplicateMember } from '../protocol/json-duplicate-members.js';
import type { OkmCommand } from '../protocol/downstream-okm.js';
import { describeJson, isJsonObject, type JsonObject } from '../protocol/upstream-okm.js';

export interface MessageRequest {
  readonly cwmId: string;
  readonly destination: readonly string[];
  readonly cmd: OkmCommand;
  readonly payload: JsonObject;
  readonly ttlSeconds: number;
}

export const MAX_TTL_SECONDS = 365 * 24 * 3600;

/** Input as values (from the API) or as JSON texts (from the CLI and forms); texts are parsed first. */
export interface MessageInput {
  readonly destination: unknown;
  readonly cmd: unknown;
  readonly payload: unknown;
  readonly ttlSeconds?: unknown;
}

/**
 * Parses a JSON text given for `field`, naming the field when it is not JSON. A member name given twice
 * in one object is refused: JSON.parse would silently keep the last value, which may not be the one meant.
 * @throws OpenTpsError ERR_MESSAGE_JSON_INVALID, ERR_JSON_DUPLICATE_KEY
 */
export function parseMessageJson(field: '_dst' | '_pld', text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new OpenTpsError('ERR_MESSAGE_JSON_INVALID', `${field} is not valid JSON: ${describeJson(text)}`, { cause });
  }
  const duplicate = findDuplicateMember(text);
  if (duplicate !== null) throw new OpenTpsError('ERR_JSON_DUPLICATE_KEY', describeDuplicateMember(duplicate, field));
  return value;
}

/**
 * @throws OpenTpsError ERR_MESSAGE_DST_INVALID, ERR_MESSAGE_CMD_INVALID, ERR_MESSAGE_PLD_INVALID, ERR_MESSAGE_TTL_INVALID
 */
export function validateMessageRequest(input: MessageInput, defaultTtlSeconds: number): MessageRequest {
  const { destination, cmd, payload } = input;
  if (!Array.isArray(destination) || destination.length === 0) {
    throw new OpenTpsError('ERR_MESSAGE_DST_INVALID', `got ${describeJson(destination)}`);
  }
  for (const id of destination) {
    if (typeof id !== 'string' || !isValidDeviceId(id)) {
      throw new OpenTpsError('ERR_MESSAGE_DST_INVALID', `${describeJson(id)} is not a device id`);
    }
  }
  if (cmd !== 'wr' && cmd !== 'rd') throw new OpenTpsError('ERR_MESSAGE_CMD_INVALID', `got ${describeJson(cmd)}`);
  if (!isJsonObject(payload)) throw new OpenTpsError('ERR_MESSAGE_PLD_INVALID', `got ${describeJson(payload)}`);
  const ttl = input.ttlSeconds ?? defaultTtlSeconds;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
    throw new OpenTpsError('ERR_MESSAGE_TTL_INVALID', `got ${describeJson(ttl)}`);
  }
  const ids = destination as string[];
  return { cwmId: cwmIdFromDestination(ids), destination: ids, cmd, payload, ttlSeconds: ttl };
}
