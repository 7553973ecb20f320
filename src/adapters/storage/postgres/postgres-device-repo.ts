// Devices and their latest state in the PostgreSQL store. Every write here is one statement, so it is
// atomic on its own and safe when several nodes register or touch the same device at once.

import { OpenTpsError } from '../../../errors.js';
import type { DeviceState, DeviceStore, DeviceSummary, NewDevice } from '../../../domain/device-store.js';
import type { PostgresDatabase } from './postgres-database.js';
import { decidePullAdmission, decodeMarkTags, encodeMarkTags, type PullAdmission } from '../../../domain/pull-replay-guard.js';
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
          // The device's own time zone, else its site's (sites/site-store.ts).
          'SELECT d.id, d.key, d.is_disabled, coalesce(d.time_zone, s.time_zone) AS time_zone FROM devices d LEFT JOIN sites s ON s.id = d.site_id WHERE d.id = $1',
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
      // A new key makes every recorded signature worthless: the replay mark starts over with it.
      const { rowCount } = await db.write("UPDATE devices SET key = $2, pull_mark_ms = NULL, pull_mark_tags = '' WHERE id = $1", [id, key]);
      credentials.forget(id);
      if (rowCount === 0) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
    },
    async admitSignedPull(id, reading, remoteAddress) {
      // The usual pull reads a later clock than any before it (rule 1 of pull-replay-guard.ts): one
      // conditional statement takes it. Anything else is decided by the guard on the row as read, and
      // written only if no other node moved the mark meanwhile (compare-and-set, retried).
      const tag = reading.tag;
      const { rowCount } = await db.write(
        `UPDATE devices SET pull_mark_ms = $2, pull_mark_tags = $3, last_seen_at = $4, last_remote_address = coalesce($5, last_remote_address)
         WHERE id = $1 AND (pull_mark_ms IS NULL OR pull_mark_ms < $2)`,
        [id, reading.deviceMs, tag, reading.nowMs, remoteAddress],
      );
      if (rowCount === 1) return { isAdmitted: true, next: { markMs: reading.deviceMs, tags: [tag] } };
      for (let attempt = 0; attempt < 20; attempt++) {
        const { rows } = await db.read.query<{ pull_mark_ms: number | null; pull_mark_tags: string }>(
          'SELECT pull_mark_ms, pull_mark_tags FROM devices WHERE id = $1',
          [id],
        );
        const row = rows[0];
        const admission: PullAdmission = decidePullAdmission({ markMs: row?.pull_mark_ms ?? null, tags: decodeMarkTags(row?.pull_mark_tags ?? null) }, reading);
        if (!admission.isAdmitted) {
          await db.write('UPDATE devices SET replays_refused = replays_refused + 1 WHERE id = $1', [id]);
          return admission;
        }
        const taken = await db.write(
          `UPDATE devices SET pull_mark_ms = $2, pull_mark_tags = $3, last_seen_at = $4, last_remote_address = coalesce($5, last_remote_address)
           WHERE id = $1 AND pull_mark_ms IS NOT DISTINCT FROM $6 AND pull_mark_tags = $7`,
          [id, admission.next.markMs, encodeMarkTags(admission.next.tags), reading.nowMs, remoteAddress, row?.pull_mark_ms ?? null, row?.pull_mark_tags ?? ''],
        );
        if (taken.rowCount === 1 || !row) return admission;
      }
      throw new OpenTpsError('ERR_STORE_FAILED', `the replay mark of ${id} kept changing under concurrent pulls`);
    },
    async touchDevice(id, atMs, remoteAddress) {
      await db.write(
        'UPDATE devices SET last_seen_at = $2, last_remote_address = coalesce($3, last_remote_address) WHERE id = $1',
        [id, atMs, remoteAddress],
      );
    },
  };
}
