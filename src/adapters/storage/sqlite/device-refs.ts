// Small integer references for device ids in compact OKM partitions: a device id is 16 characters in
// each of four places per OKM (row and indexes), its reference 1-3 bytes. A reference is made inside the
// caller's write transaction; the caller caches it (remember) only once that transaction has committed,
// so a rolled-back batch (write-batcher.ts redoes an aborted one write by write) leaves no stale entry.

import type { Database } from 'better-sqlite3';

/** Cached references at most; past it the cache starts again (an open-mode fleet can invent ids without end). */
const MAX_CACHED = 500_000;

export interface DeviceRefs {
  /** The reference of a device id, made when missing (call inside a write transaction). */
  refOf(deviceId: string): number;
  /** The reference if the device has one, else null (reads only). */
  findRef(deviceId: string): number | null;
  /** The device id of a reference. */
  deviceIdOf(ref: number): string;
  /** Caches a reference whose transaction has committed. */
  remember(deviceId: string, ref: number): void;
}

export function createDeviceRefs(db: Database): DeviceRefs {
  const select = db.prepare<[string], { ref: number }>('SELECT ref FROM device_refs WHERE device_id = ?');
  const selectId = db.prepare<[number], { device_id: string }>('SELECT device_id FROM device_refs WHERE ref = ?');
  const insert = db.prepare<[string], { ref: number }>('INSERT INTO device_refs (device_id) VALUES (?) RETURNING ref');
  const refs = new Map<string, number>();
  const ids = new Map<number, string>();

  function remember(deviceId: string, ref: number): void {
    if (refs.size >= MAX_CACHED) {
      refs.clear();
      ids.clear();
    }
    refs.set(deviceId, ref);
    ids.set(ref, deviceId);
  }

  return {
    refOf(deviceId) {
      const ref = refs.get(deviceId) ?? select.get(deviceId)?.ref ?? insert.get(deviceId)?.ref;
      if (ref === undefined) throw new Error(`no reference made for ${deviceId}`);
      return ref;
    },
    findRef(deviceId) {
      return refs.get(deviceId) ?? select.get(deviceId)?.ref ?? null;
    },
    deviceIdOf(ref) {
      const cached = ids.get(ref);
      if (cached !== undefined) return cached;
      const deviceId = selectId.get(ref)?.device_id;
      if (deviceId === undefined) throw new Error(`no device has reference ${ref}`);
      remember(deviceId, ref);
      return deviceId;
    },
    remember,
  };
}
