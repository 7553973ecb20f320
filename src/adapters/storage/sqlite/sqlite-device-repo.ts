// Devices and their latest state in the embedded store.

import type { Database } from 'better-sqlite3';
import { OpenTpsError } from '../../../errors.js';
import type { DeviceCredentials, DeviceState, DeviceStore, DeviceSummary, NewDevice } from '../../../domain/device-store.js';
import type { WriteBatcher } from './write-batcher.js';
import type { DeviceActivityBuffer } from '../../../domain/device-activity.js';
import { decidePullAdmission, decodeMarkTags, encodeMarkTags } from '../../../domain/pull-replay-guard.js';
import { DEVICE_COLUMNS, toDeviceRecord, toDeviceState, type DeviceRow, type DeviceStateRow } from '../stored-rows/device-row.js';

/** Credentials cached at most: past this, the cache starts over (ids are attacker-chosen on the wire). */
const MAX_CACHED_CREDENTIALS = 200_000;
/** How stale the credentials cache may be with respect to other processes' commits. */
export const DATA_VERSION_CHECK_MS = 200;

/** The device repo, and the check its credentials cache is kept fresh by (the store thread runs it on a timer). */
export interface SqliteDeviceRepo extends DeviceStore {
  /**
   * Drops the cached credentials when another connection has committed since the last check (PRAGMA
   * data_version) and says whether it did. The store thread calls it before telling the main thread to drop
   * its own cache: were the two checks apart, the main thread could cache again an entry this cache still
   * held from before the other process's commit, and keep it (seen in sqlite-store-thread.test.ts under load).
   */
  dropCredentialsIfOthersCommitted(): boolean;
  /** Drops the cached credentials of one device, or (null) of all: a site or placement change in this process. */
  forgetCredentials(deviceId: string | null): void;
}

export function createSqliteDeviceRepo(db: Database, batcher: WriteBatcher, activity: DeviceActivityBuffer): SqliteDeviceRepo {
  // Credentials are read on every device request. They are cached, and the cache is dropped whenever
  // another connection (the CLI, another process) has committed anything: PRAGMA data_version tells. It is
  // asked at most every DATA_VERSION_CHECK_MS, not per request (~5 % of a push's cost in the closed loop):
  // a change made by another process reaches this one within that time. This connection's own credential
  // writes drop the entry they change at once.
  // The device's own time zone, else its site's (sites/site-store.ts).
  const selectCredentials = db.prepare<[string], { id: string; key: string | null; is_disabled: number; time_zone: string | null }>(
    'SELECT d.id, d.key, d.is_disabled, coalesce(d.time_zone, s.time_zone) AS time_zone FROM devices d LEFT JOIN sites s ON s.id = d.site_id WHERE d.id = ?',
  );
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const credentials = new Map<string, DeviceCredentials>();
  let seenDataVersion = -1;
  let dataVersionCheckedAtMs = Number.NEGATIVE_INFINITY;
  const forget = (id: string): void => {
    credentials.delete(id);
  };
  const dropCredentialsIfOthersCommitted = (): boolean => {
    dataVersionCheckedAtMs = performance.now();
    const version = Number(dataVersion.get());
    if (version === seenDataVersion) return false;
    credentials.clear();
    seenDataVersion = version;
    return true;
  };

  const selectDevice = db.prepare<[string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ?`);
  const insertDevice = db.prepare(
    'INSERT INTO devices (id, name, key, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  const upgradeDiscovered = db.prepare('UPDATE devices SET key = ?, name = coalesce(?, name) WHERE id = ? AND key IS NULL');
  const insertDiscovered = db.prepare('INSERT INTO devices (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING');
  const selectSummaries = db.prepare<[number], DeviceRow & { queued_count: number }>(
    `SELECT ${DEVICE_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')},
       (SELECT count(*) FROM messages m WHERE m.cwm_id = d.id AND m.state = 'queued' AND m.expires_at > ?) AS queued_count
     FROM devices d ORDER BY d.id`,
  );
  const selectStates = db.prepare<[string], DeviceStateRow>(
    `SELECT device_id, cwm_id, first_seen_at, last_seen_at, last_heartbeat, last_heartbeat_at, latest_fields
     FROM device_state WHERE cwm_id = ? ORDER BY device_id`,
  );

  const updateName = db.prepare('UPDATE devices SET name = ? WHERE id = ?');
  const updateDisabled = db.prepare('UPDATE devices SET is_disabled = ? WHERE id = ?');
  const updateTimeZone = db.prepare('UPDATE devices SET time_zone = ? WHERE id = ?');
  // A new key makes every recorded signature worthless: the replay mark starts over with it.
  const updateKey = db.prepare("UPDATE devices SET key = ?, pull_mark_ms = NULL, pull_mark_tags = '' WHERE id = ?");
  const selectPullMark = db.prepare<[string], { pull_mark_ms: number | null; pull_mark_tags: string }>(
    'SELECT pull_mark_ms, pull_mark_tags FROM devices WHERE id = ?',
  );
  const takePull = db.prepare(
    'UPDATE devices SET pull_mark_ms = ?, pull_mark_tags = ?, last_seen_at = max(coalesce(last_seen_at, 0), ?), last_remote_address = coalesce(?, last_remote_address) WHERE id = ?',
  );
  const countReplay = db.prepare('UPDATE devices SET replays_refused = replays_refused + 1 WHERE id = ?');

  return {
    dropCredentialsIfOthersCommitted,
    forgetCredentials(deviceId) {
      if (deviceId === null) credentials.clear();
      else forget(deviceId);
    },
    updateDevice(id, changes) {
      return batcher.run(() => {
        forget(id);
        if (!selectDevice.get(id)) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
        if (changes.name !== undefined) updateName.run(changes.name, id);
        if (changes.isDisabled !== undefined) updateDisabled.run(changes.isDisabled ? 1 : 0, id);
        if (changes.timeZone !== undefined) updateTimeZone.run(changes.timeZone, id);
        const row = selectDevice.get(id);
        if (!row) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
        return toDeviceRecord(row);
      });
    },
    setDeviceKey(id, key) {
      return batcher.run(() => {
        forget(id);
        if (updateKey.run(key, id).changes === 0) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
      });
    },
    addDevice(device: NewDevice) {
      return batcher.run(() => {
        forget(device.id);
        const inserted = insertDevice.run(device.id, device.name, device.key, device.createdAtMs).changes === 1;
        if (!inserted && upgradeDiscovered.run(device.key, device.name, device.id).changes === 0) {
          throw new OpenTpsError('ERR_DEVICE_EXISTS', device.id);
        }
        const row = selectDevice.get(device.id);
        if (!row) throw new OpenTpsError('ERR_STORE_FAILED', 'device vanished after insert');
        return toDeviceRecord(row);
      });
    },
    addDiscoveredDevice(id, atMs) {
      return batcher.run(() => {
        forget(id);
        insertDiscovered.run(id, atMs);
      });
    },
    async findDeviceCredentials(id) {
      if (performance.now() - dataVersionCheckedAtMs >= DATA_VERSION_CHECK_MS) dropCredentialsIfOthersCommitted();
      const cached = credentials.get(id);
      if (cached) return cached;
      const row = selectCredentials.get(id);
      if (!row) return null;
      const found: DeviceCredentials = { id: row.id, key: row.key, isDisabled: row.is_disabled !== 0, timeZone: row.time_zone };
      if (credentials.size >= MAX_CACHED_CREDENTIALS) credentials.clear();
      credentials.set(id, found);
      return found;
    },
    async findDevice(id) {
      const row = selectDevice.get(id);
      return row ? toDeviceRecord(row) : null;
    },
    async listDevices(nowMs): Promise<DeviceSummary[]> {
      return selectSummaries.all(nowMs).map((row) => ({ ...toDeviceRecord(row), queuedCount: row.queued_count }));
    },
    async listDeviceStates(cwmId): Promise<DeviceState[]> {
      return selectStates.all(cwmId).map(toDeviceState);
    },
    admitSignedPull(id, reading, remoteAddress) {
      // Read, decide and write in one batch transaction: nothing else writes between them.
      return batcher.run(() => {
        const row = selectPullMark.get(id);
        const admission = decidePullAdmission({ markMs: row?.pull_mark_ms ?? null, tags: decodeMarkTags(row?.pull_mark_tags ?? null) }, reading);
        if (admission.isAdmitted) takePull.run(admission.next.markMs, encodeMarkTags(admission.next.tags), reading.nowMs, remoteAddress, id);
        else countReplay.run(id);
        return admission;
      });
    },
    async touchDevice(id, atMs, remoteAddress) {
      // Written behind with the pushes' device changes (device-activity.ts).
      activity.noteSeen(id, atMs, remoteAddress);
    },
  };
}
