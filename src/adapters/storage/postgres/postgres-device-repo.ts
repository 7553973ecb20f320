// Devices and their latest state in the PostgreSQL store. Every write here is one statement, so it is
// atomic on its own and safe when several nodes register or touch the same device at once.

import { OpenTpsError } from '../../../errors.js';
import type { DeviceState, DeviceStore, DeviceSummary, NewDevice } from '../../../domain/device-store.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { CredentialsCache } from './postgres-credentials-cache.js';
import { DEVICE_COLUMNS, toDeviceRecord, toDeviceState, type DeviceRow, type DeviceStateRow } from '../stored-rows/device-row.js';

export function createPostgresDeviceRepo(db: PostgresDatabase, credentials: CredentialsCache): DeviceStore {
  return {
    async addDevice(device: NewDevice) {
      // Insert, or upgrade a discovered (key-less) device in the same statement; a registered one is left
      // alone and returns no row. Two nodes adding the same id: the second waits on the row, then sees the key.
      const { rows } = await db.write<DeviceRow>(
        `INSERT INTO devices (id, name, key, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET key = excluded.key, name = coalesce(excluded.name, devices.name)
           WHERE devices.key IS NULL
         RETURNING ${DEVICE_COLUMNS}`,
        [device.id, device.name, device.key, device.createdAtMs],
      );
      credentials.forget(device.id);
      const row = rows[0];
      if (!row) throw new OpenTpsError('ERR_DEVICE_EXISTS', device.id);
      return toDeviceRecord(row);
    },
    async addDiscoveredDevice(id, atMs) {
      await db.write('INSERT INTO devices (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, atMs]);
    },
    async findDevice(id) {
      const { rows } = await db.read.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [id]);
      const row = rows[0];
      return row ? toDeviceRecord(row) : null;
    },
    findDeviceCredentials(id) {
      // Read on every device request: from this node's cache, kept current by the database's announcements.
      return credentials.read(id, async () => {
        const { rows } = await db.read.query<{ id: string; key: string | null; is_disabled: boolean; time_zone: string | null }>(
          'SELECT id, key, is_disabled, time_zone FROM devices WHERE id = $1',
          [id],
        );
        const row = rows[0];
        return row ? { id: row.id, key: row.key, isDisabled: row.is_disabled, timeZone: row.time_zone } : null;
      });
    },
    async listDevices(nowMs): Promise<DeviceSummary[]> {
      const { rows } = await db.read.query<DeviceRow & { queued_count: number }>(
        `SELECT ${DEVICE_COLUMNS.split(', ').map((column) => `d.${column}`).join(', ')},
           (SELECT count(*) FROM messages m WHERE m.cwm_id = d.id AND m.state = 'queued' AND m.expires_at > $1) AS queued_count
         FROM devices d ORDER BY d.id`,
        [nowMs],
      );
      return rows.map((row) => ({ ...toDeviceRecord(row), queuedCount: row.queued_count }));
    },
    async listDeviceStates(cwmId): Promise<DeviceState[]> {
      const { rows } = await db.read.query<DeviceStateRow>(
        `SELECT device_id, cwm_id, first_seen_at, last_seen_at, last_heartbeat, last_heartbeat_at, latest_fields
         FROM device_state WHERE cwm_id = $1 ORDER BY device_id`,
        [cwmId],
      );
      return rows.map(toDeviceState);
    },
    async updateDevice(id, changes) {
      // One statement: each field changes only when given (the flag says so, since null is a value).
      const { rows } = await db.write<DeviceRow>(
        `UPDATE devices SET
           name = CASE WHEN $2 THEN $3 ELSE name END,
           is_disabled = CASE WHEN $4 THEN $5 ELSE is_disabled END,
           time_zone = CASE WHEN $6 THEN $7 ELSE time_zone END
         WHERE id = $1
         RETURNING ${DEVICE_COLUMNS}`,
        [
          id,
          changes.name !== undefined, changes.name ?? null,
          changes.isDisabled !== undefined, changes.isDisabled ?? false,
          changes.timeZone !== undefined, changes.timeZone ?? null,
        ],
      );
      credentials.forget(id);
      const row = rows[0];
      if (!row) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
      return toDeviceRecord(row);
    },
    async setDeviceKey(id, key) {
      const { rowCount } = await db.write('UPDATE devices SET key = $2 WHERE id = $1', [id, key]);
      credentials.forget(id);
      if (rowCount === 0) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
    },
    async touchDevice(id, atMs, remoteAddress) {
      await db.write(
        'UPDATE devices SET last_seen_at = $2, last_remote_address = coalesce($3, last_remote_address) WHERE id = $1',
        [id, atMs, remoteAddress],
      );
    },
  };
}
