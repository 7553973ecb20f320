// The stored OKM row as both backends return it, and its domain record.

import type { CrcVerdict } from '../../../protocol/okm-crc.js';
import type { AuthVerdict, StoredOkm } from '../../../domain/telemetry-store.js';
import { readJsonObject } from './stored-json.js';

export const OKM_COLUMNS = 'id, cwm_id, origin_id, cmd, okm_id, ts, received_at, crc_verdict, auth, raw, payload';

export interface OkmRow {
  id: number;
  cwm_id: string;
  origin_id: string;
  cmd: string | null;
  okm_id: number | null;
  ts: string | null;
  received_at: number;
  crc_verdict: string;
  auth: string;
  raw: string;
  payload: string | null;
}

export function toStoredOkm(row: OkmRow): StoredOkm {
  return {
    id: row.id,
    cwmId: row.cwm_id,
    originId: row.origin_id,
    cmd: row.cmd,
    okmId: row.okm_id,
    ts: row.ts,
    receivedAtMs: row.received_at,
    crcVerdict: row.crc_verdict as CrcVerdict,
    auth: row.auth as AuthVerdict,
    rawOkm: row.raw,
    payload: readJsonObject(row.payload),
  };
}
