// The device and device-state rows as both backends return them, and their domain records.

import type { DeviceRecord, DeviceState } from '../../../domain/device-store.js';
import { readJsonObject } from './stored-json.js';

export interface DeviceRow {
  id: string;
  name: string | null;
  key: string | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  is_disabled: number | boolean;
  time_zone: string | null;
  created_at: number;
  last_seen_at: number | null;
  last_remote_address: string | null;
  okm_count: number;
  crc_failure_count: number;
  typical_interval_ms: number | null;
  replays_refused: number;
  site_id: number | null;
}

export interface DeviceStateRow {
  device_id: string;
  cwm_id: string;
  first_seen_at: number;
  last_seen_at: number;
  last_heartbeat: string | null;
  last_heartbeat_at: number | null;
  latest_fields: string;
}

export function toDeviceRecord(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    name: row.name,
    key: row.key,
    isDisabled: row.is_disabled === true || row.is_disabled === 1,
    timeZone: row.time_zone,
    createdAtMs: row.created_at,
    lastSeenAtMs: row.last_seen_at,
    lastRemoteAddress: row.last_remote_address,
    okmCount: row.okm_count,
    crcFailureCount: row.crc_failure_count,
    typicalIntervalMs: row.typical_interval_ms,
    replaysRefusedCount: row.replays_refused,
    siteId: row.site_id === null ? null : Number(row.site_id),
  };
}

export const DEVICE_COLUMNS =
  'id, name, key, is_disabled, time_zone, created_at, last_seen_at, last_remote_address, okm_count, crc_failure_count, typical_interval_ms, replays_refused, site_id';

export function toDeviceState(row: DeviceStateRow): DeviceState {
  return {
    deviceId: row.device_id,
    cwmId: row.cwm_id,
    firstSeenAtMs: row.first_seen_at,
    lastSeenAtMs: row.last_seen_at,
    lastHeartbeat: readJsonObject(row.last_heartbeat),
    lastHeartbeatAtMs: row.last_heartbeat_at,
    latestFields: readJsonObject(row.latest_fields) ?? {},
  };
}
