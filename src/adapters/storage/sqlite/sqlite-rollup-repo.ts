// Rollups in the embedded store: one row per origin device and bucket (minute or hour) holding every
// numeric field's statistics (stored-rows/rollup-fields.ts), keyed by the device's reference so a device's
// buckets lie together and a long range of one device is one index range; and the fleet's OKMs per minute.

import type { Database } from 'better-sqlite3';
import type { RollupResolution, RollupStore } from '../../../domain/rollup-store.js';
import { mergeRollupFields, seriesOfRollupRows } from '../stored-rows/rollup-fields.js';
import type { DeviceRefs } from './device-refs.js';
import type { WriteBatcher } from './write-batcher.js';

const TABLE: Readonly<Record<RollupResolution, string>> = { minute: 'rollup_minute', hour: 'rollup_hour' };

export function createSqliteRollupRepo(db: Database, batcher: WriteBatcher, refs: DeviceRefs): RollupStore {
  const statements = (table: string) => ({
    select: db.prepare<[number, number], { fields: string }>(`SELECT fields FROM ${table} WHERE origin_ref = ? AND bucket_ms = ?`),
    upsert: db.prepare<[number, number, string]>(`INSERT OR REPLACE INTO ${table} (origin_ref, bucket_ms, fields) VALUES (?, ?, ?)`),
    range: db.prepare<[number, number, number], { bucket_ms: number; fields: string }>(
      `SELECT bucket_ms, fields FROM ${table} WHERE origin_ref = ? AND bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms`,
    ),
    prune: db.prepare<[number, number]>(
      `DELETE FROM ${table} WHERE (origin_ref, bucket_ms) IN (SELECT origin_ref, bucket_ms FROM ${table} WHERE bucket_ms < ? LIMIT ?)`,
    ),
  });
  const byResolution = { minute: statements(TABLE.minute), hour: statements(TABLE.hour) };
  const addFleet = db.prepare<[number, number]>(
    'INSERT INTO fleet_minute (bucket_ms, okms) VALUES (?, ?) ON CONFLICT (bucket_ms) DO UPDATE SET okms = okms + excluded.okms',
  );
  const fleetRange = db.prepare<[number, number], { bucket_ms: number; okms: number }>(
    'SELECT bucket_ms, okms FROM fleet_minute WHERE bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms',
  );
  const pruneFleet = db.prepare<[number]>('DELETE FROM fleet_minute WHERE bucket_ms < ?');

  return {
    async mergeRollups(resolution, deltas, fleetOkmsPerMinute) {
      const { select, upsert } = byResolution[resolution];
      const made = await batcher.run(() => {
        const used: Array<[string, number]> = [];
        for (const delta of deltas) {
          const ref = refs.refOf(delta.originId);
          used.push([delta.originId, ref]);
          const stored = select.get(ref, delta.bucketStartMs)?.fields ?? null;
          upsert.run(ref, delta.bucketStartMs, mergeRollupFields(stored, delta.fields));
        }
        for (const [minuteMs, okms] of fleetOkmsPerMinute) addFleet.run(minuteMs, okms);
        return used;
      });
      for (const [originId, ref] of made) refs.remember(originId, ref);
    },
    async queryRollupSeries(query) {
      const { range } = byResolution[query.resolution];
      const rows: Array<{ bucket_ms: number; fields: string }> = [];
      for (const originId of new Set(query.originIds)) {
        const ref = refs.findRef(originId);
        if (ref !== null) rows.push(...range.all(ref, query.fromMs, query.toMs));
      }
      return seriesOfRollupRows(rows, query.field);
    },
    async countFleetOkmsPerMinute(fromMs, toMs) {
      return fleetRange.all(fromMs, toMs).map((row) => [row.bucket_ms, row.okms] as [number, number]);
    },
    async pruneRollups(resolution, beforeMs, limit) {
      const { prune } = byResolution[resolution];
      return batcher.run(() => {
        if (resolution === 'minute') pruneFleet.run(beforeMs);
        return prune.run(beforeMs, limit).changes;
      });
    },
  };
}
