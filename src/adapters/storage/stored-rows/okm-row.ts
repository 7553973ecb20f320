// The stored OKM row as both backends return it, and its domain record. An OKM's text is stored once:
// its command, `_id`, `_ts` and payload are read back out of that text rather than kept beside it.

import type { CrcVerdict } from '../../../protocol/okm-crc.js';
import type { AuthVerdict, StoredOkm } from '../../../domain/telemetry-store.js';

export const OKM_COLUMNS = 'id, cwm_id, origin_id, received_at, crc_verdict, auth, raw';

export interface OkmRow {
  id: number;
  cwm_id: string;
  origin_id: string;
  received_at: number;
  crc_verdict: string;
  auth: string;
  raw: string;
}

/** The header fields and payload of a stored OKM text (checked at ingest); a text that no longer parses gives nulls. */
export function fieldsOfStoredOkm(raw: string): Pick<StoredOkm, 'cmd' | 'okmId' | 'ts' | 'payload'> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { cmd: null, okmId: null, ts: null, payload: null };
  }
  const okm = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const payload = okm['_pld'];
  return {
    cmd: typeof okm['_cmd'] === 'string' ? okm['_cmd'] : null,
    okmId: typeof okm['_id'] === 'number' ? okm['_id'] : null,
    ts: typeof okm['_ts'] === 'string' ? okm['_ts'] : null,
    payload: typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null,
  };
}

export function toStoredOkm(row: OkmRow): StoredOkm {
  return {
    id: row.id,
    cwmId: row.cwm_id,
    originId: row.origin_id,
    ...fieldsOfStoredOkm(row.raw),
    receivedAtMs: row.received_at,
    crcVerdict: row.crc_verdict as CrcVerdict,
    auth: row.auth as AuthVerdict,
    rawOkm: row.raw,
  };
}
