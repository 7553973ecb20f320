// Decodes an upstream OKM (device -> server) from its exact text into a typed value, checking the
// header field types of PROTOCOL.md A2. CRC problems are not errors here: they are stored and flagged.

import { OpenTpsError } from '../errors.js';
import { verifyOkmCrc, type CrcCheck } from './okm-crc.js';
import { cwmIdFromSource, originIdFromSource, isValidDeviceId } from './device-id.js';

export type JsonObject = { [key: string]: unknown };

export interface UpstreamOkm {
  /** The OKM exactly as sent; the CRC was checked on this text. */
  readonly text: string;
  readonly source: readonly string[];
  /** The CWM that carried the OKM (and whose key signed it). */
  readonly cwmId: string;
  /** The device that produced the OKM (`_src[0]`): an OKE, or the CWM itself. */
  readonly originId: string;
  readonly cmd: string | null;
  readonly id: number | null;
  readonly ts: string | null;
  readonly crc: CrcCheck;
  readonly payload: JsonObject | null;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Types `okmValue` (the parsed form of `okmText`) as an UpstreamOkm.
 * @throws OpenTpsError ERR_OKM_NOT_OBJECT, ERR_OKM_MISSING_SOURCE, ERR_OKM_BAD_SOURCE, ERR_OKM_FIELD_TYPE
 */
export function decodeUpstreamOkm(okmText: string, okmValue: unknown): UpstreamOkm {
  if (!isJsonObject(okmValue)) throw new OpenTpsError('ERR_OKM_NOT_OBJECT');
  const source = okmValue['_src'];
  if (source === undefined) throw new OpenTpsError('ERR_OKM_MISSING_SOURCE');
  if (
    !Array.isArray(source) ||
    source.length < 1 ||
    source.length > 2 ||
    !source.every((id): id is string => typeof id === 'string' && isValidDeviceId(id))
  ) {
    throw new OpenTpsError('ERR_OKM_BAD_SOURCE', `got ${describeJson(source)}`);
  }
  const id = okmValue['_id'];
  if (id !== undefined && !(typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)) {
    throw new OpenTpsError('ERR_OKM_FIELD_TYPE', `"_id" must be a non-negative integer, got ${describeJson(id)}`);
  }
  const cmd = okmValue['_cmd'];
  if (cmd !== undefined && typeof cmd !== 'string') {
    throw new OpenTpsError('ERR_OKM_FIELD_TYPE', `"_cmd" must be a string, got ${describeJson(cmd)}`);
  }
  const ts = okmValue['_ts'];
  if (ts !== undefined && typeof ts !== 'string') {
    throw new OpenTpsError('ERR_OKM_FIELD_TYPE', `"_ts" must be a string, got ${describeJson(ts)}`);
  }
  const payload = okmValue['_pld'];
  if (payload !== undefined && !isJsonObject(payload)) {
    throw new OpenTpsError('ERR_OKM_FIELD_TYPE', `"_pld" must be an object, got ${describeJson(payload)}`);
  }
  return {
    text: okmText,
    source,
    cwmId: cwmIdFromSource(source),
    originId: originIdFromSource(source),
    cmd: cmd ?? null,
    id: id ?? null,
    ts: ts ?? null,
    crc: verifyOkmCrc(okmText),
    payload: payload ?? null,
  };
}

/** A short, safe rendering of a JSON value for error messages. */
export function describeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
