// Rollups in the shared store: one row per origin device and bucket (minute or hour) holding every numeric
// field's statistics (stored-rows/rollup-fields.ts), keyed by (origin_id, bucket_ms) so a device's range is
// one index range; and the fleet's OKMs per minute.
//
// Several nodes fold into the same (device, bucket) at once, and a merge is read-modify-write of a JSON
// row, so every merge locks the rows it changes. A call is a fixed number of statements whatever the
// size of its batch (arrays through unnest):
//   1. INSERT ... ON CONFLICT DO NOTHING an empty row ('{}') for every key of the batch, so that every key
//      has a row to lock (two nodes making the same new row: the second waits for the first's commit and
//      then leaves its row alone);
//   2. SELECT ... FOR UPDATE those rows, in key order (the same order in every transaction: no deadlock
//      between merges), which waits for any other merge of them to commit and reads what it wrote;
//   3. the merged rows written back in one INSERT ... ON CONFLICT DO UPDATE;
//   4. the fleet's counts added in one INSERT ... ON CONFLICT DO UPDATE SET okms = okms + excluded.okms.
// A deadlock all the same (with a prune, say) rolls the whole unit back and db.transaction retries it.

import type { RollupDelta, RollupResolution, RollupStore } from '../../../domain/rollup-store.js';
import { mergeRollupFields, seriesOfRollupRows } from '../stored-rows/rollup-fields.js';
import type { PostgresDatabase } from './postgres-database.js';

const TABLE: Readonly<Record<RollupResolution, string>> = { minute: 'rollup_minute', hour: 'rollup_hour' };

function statementsOf(table: string) {
  return {
    makeRows: `
      INSERT INTO ${table} (origin_id, bucket_ms, fields)
      SELECT k.origin_id, k.bucket_ms, '{}' FROM unnest($1::text[], $2::bigint[]) AS k(origin_id, bucket_ms)
      ORDER BY k.origin_id COLLATE "C", k.bucket_ms
      ON CONFLICT (origin_id, bucket_ms) DO NOTHING`,
    lockRows: `
      SELECT origin_id, bucket_ms, fields FROM ${table}
      WHERE (origin_id, bucket_ms) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))
      ORDER BY origin_id, bucket_ms
      FOR UPDATE`,
    writeRows: `
      INSERT INTO ${table} (origin_id, bucket_ms, fields)
      SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
      ON CONFLICT (origin_id, bucket_ms) DO UPDATE SET fields = excluded.fields`,
    // Rows of the devices asked for, in the order asked (then by bucket): per-bucket sums add up in the
    // same order as in the embedded store, so both give the same floating-point results.
    range: `
      SELECT r.bucket_ms, r.fields
      FROM unnest($1::text[]) WITH ORDINALITY AS q(origin_id, ord)
      JOIN ${table} r ON r.origin_id = q.origin_id AND r.bucket_ms >= $2 AND r.bucket_ms < $3
      ORDER BY q.ord, r.bucket_ms`,
    prune: `
      DELETE FROM ${table} WHERE (origin_id, bucket_ms) IN (
        SELECT origin_id, bucket_ms FROM ${table} WHERE bucket_ms < $1 LIMIT $2)`,
  };
}

const ADD_FLEET_OKMS = `
  INSERT INTO fleet_minute (bucket_ms, okms)
  SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS v(bucket_ms, okms)
  ORDER BY v.bucket_ms
  ON CONFLICT (bucket_ms) DO UPDATE SET okms = fleet_minute.okms + excluded.okms`;

interface RollupRow {
  origin_id: string;
  bucket_ms: number;
  fields: string;
}

/** The batch's deltas per (origin, bucket), in the order given: a key twice in a batch is one row to merge. */
function groupByKey(deltas: readonly RollupDelta[]): Map<string, RollupDelta[]> {
  const groups = new Map<string, RollupDelta[]>();
  for (const delta of deltas) {
    const key = keyOf(delta.originId, delta.bucketStartMs);
    const group = groups.get(key);
    if (group) group.push(delta);
    else groups.set(key, [delta]);
  }
  return groups;
}

function keyOf(originId: string, bucketMs: number): string {
  return `${bucketMs} ${originId}`;
}

export function createPostgresRollupRepo(db: PostgresDatabase): RollupStore {
  const byResolution = { minute: statementsOf(TABLE.minute), hour: statementsOf(TABLE.hour) };

  return {
    async mergeRollups(resolution, deltas, fleetOkmsPerMinute) {
      if (deltas.length === 0 && fleetOkmsPerMinute.size === 0) return;
      const { makeRows, lockRows, writeRows } = byResolution[resolution];
      const groups = groupByKey(deltas);
      const keyed = [...groups.values()].map((group) => group[0] as RollupDelta);
      const originIds = keyed.map((delta) => delta.originId);
      const bucketsMs = keyed.map((delta) => delta.bucketStartMs);
      const fleetMinutes = [...fleetOkmsPerMinute.keys()];
      const fleetOkms = [...fleetOkmsPerMinute.values()];

      await db.transaction(async (tx) => {
        if (keyed.length > 0) {
          await tx.query(makeRows, [originIds, bucketsMs]);
          const { rows } = await tx.query<RollupRow>(lockRows, [originIds, bucketsMs]);
          const stored = new Map<string, string>();
          for (const row of rows) stored.set(keyOf(row.origin_id, row.bucket_ms), row.fields);
          // A row pruned between steps 1 and 2 is not returned: it is written anew from the deltas alone.
          const merged = [...groups].map(([key, group]) =>
            group.reduce<string | null>((text, delta) => mergeRollupFields(text, delta.fields), stored.get(key) ?? null) as string,
          );
          await tx.query(writeRows, [originIds, bucketsMs, merged]);
        }
        if (fleetMinutes.length > 0) await tx.query(ADD_FLEET_OKMS, [fleetMinutes, fleetOkms]);
      });
    },
    async queryRollupSeries(query) {
      const originIds = [...new Set(query.originIds)];
      if (originIds.length === 0) return [];
      const { range } = byResolution[query.resolution];
      const { rows } = await db.read.query<{ bucket_ms: number; fields: string }>(range, [originIds, query.fromMs, query.toMs]);
      return seriesOfRollupRows(rows, query.field);
    },
    async countFleetOkmsPerMinute(fromMs, toMs) {
      const { rows } = await db.read.query<{ bucket_ms: number; okms: number }>(
        'SELECT bucket_ms, okms FROM fleet_minute WHERE bucket_ms >= $1 AND bucket_ms < $2 ORDER BY bucket_ms',
        [fromMs, toMs],
      );
      return rows.map((row): [number, number] => [row.bucket_ms, row.okms]);
    },
    async pruneRollups(resolution, beforeMs, limit) {
      const { prune } = byResolution[resolution];
      // Device rows before fleet rows, as merges lock them.
      return db.transaction(async (tx) => {
        const { rowCount } = await tx.query(prune, [beforeMs, limit]);
        if (resolution === 'minute') await tx.query('DELETE FROM fleet_minute WHERE bucket_ms < $1', [beforeMs]);
        return rowCount ?? 0;
      });
    },
  };
}
