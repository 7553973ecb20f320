// The message row as both backends return it, and its domain record.

import type { MessageRecord, MessageState } from '../../../domain/message-store.js';
import { readJsonObject, readStringArray } from './stored-json.js';

export interface MessageRow {
  id: number;
  cwm_id: string;
  okm_id: number;
  destination: string;
  cmd: string;
  payload: string;
  okm: string;
  state: string;
  created_at: number;
  expires_at: number;
  delivery_count: number;
  delivered_at: number | null;
  answered_at: number | null;
  result: string | null;
  ended_at: number | null;
}

export const MESSAGE_COLUMNS =
  'id, cwm_id, okm_id, destination, cmd, payload, okm, state, created_at, expires_at, delivery_count, delivered_at, answered_at, result, ended_at';

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    cwmId: row.cwm_id,
    okmId: row.okm_id,
    destination: readStringArray(row.destination),
    cmd: row.cmd === 'rd' ? 'rd' : 'wr',
    payload: readJsonObject(row.payload) ?? {},
    okmText: row.okm,
    state: row.state as MessageState,
    createdAtMs: row.created_at,
    expiresAtMs: row.expires_at,
    deliveryCount: row.delivery_count,
    deliveredAtMs: row.delivered_at,
    answeredAtMs: row.answered_at,
    result: readJsonObject(row.result),
    endedAtMs: row.ended_at,
  };
}
