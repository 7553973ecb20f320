// The time partitions of the okms table: which exist (read from the catalog), making the ones receive
// times need, and dropping the expired ones. Each partition covers [start, end) of received_at, start a
// multiple of the span since the epoch (UTC), unless an older partition (okms_legacy, or one made with
// another span) already covers part of that range: then it is clipped to fit beside it.

import type { TelemetryDropReport, TelemetryPartition } from '../../../domain/telemetry-store.js';
import { isOpenTpsError } from '../../../errors.js';
import { quoteIdentifier } from './postgres-migrations.js';
import type { PostgresDatabase, SqlRunner } from './postgres-database.js';

/**
 * approxOkms: the statistics' live row count (kept up to date by every insert, no scan) or the planner's
 * estimate from the last VACUUM/ANALYZE, whichever is larger; reltuples is -1 before the first ANALYZE.
 */
const LIST_PARTITIONS = `
  SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound,
    greatest(coalesce(s.n_live_tup, 0), c.reltuples, 0)::float8 AS approx
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
  WHERE i.inhparent = 'okms'::regclass`;

/** Nodes sharing one schema make and drop partitions one at a time; other schemas are not held up. */
const LOCK_PARTITIONS = "SELECT pg_advisory_xact_lock(hashtext('opentps okm partitions ' || current_schema()))";

/**
 * DROP TABLE of a partition takes an ACCESS EXCLUSIVE lock on okms, and while it waits for that lock,
 * every push and read queues behind it: the wait is bounded, a retention pass that cannot get the lock
 * fails and the next one tries again.
 */
const DROP_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '3s'";

const BOUND = /^FOR VALUES FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)$/;

/** The partition a row went to does not exist: SQLSTATE 23514 with this message. */
const NO_PARTITION_SQLSTATE = '23514';

export interface OkmPartitions {
  /** Makes sure a partition covers each of these receive times; asks the database only for times not known covered. */
  ensureCovering(timesMs: readonly number[]): Promise<void>;
  /** Forgets the partitions known to exist (another node may have dropped one). */
  forget(): void;
  /** The start of the known partition holding atMs, or where one holding it would start. */
  startOf(atMs: number): number;
  list(): Promise<TelemetryPartition[]>;
  dropBefore(cutoffMs: number): Promise<TelemetryDropReport>;
}

/**
 * The dedup identity as each partition's unique index holds it: (cwm_id, origin_id, dedup_key) digested
 * to 16 bytes (md5, as a uuid), where the text is about 70 (measured with bench/okm-bytes-postgres.ts:
 * 121 index bytes per OKM on the columns). Device ids are hex, so '/' cannot make two identities one; a
 * NULL dedup_key gives a NULL digest, and NULLs never conflict. `prefix` qualifies the columns ("o.").
 * A lookup compares the columns too, so only a collision within one partition (odds about 2^-128 per
 * pair) could make an OKM look stored when it is not.
 */
export function dedupDigestSql(prefix: string): string {
  return `md5(${prefix}cwm_id || '/' || ${prefix}origin_id || '/' || ${prefix}dedup_key)::uuid`;
}

/** Whether an insert failed because no partition covers its receive time. */
export function isMissingPartition(error: unknown): boolean {
  const cause = isOpenTpsError(error) ? error.cause : error;
  if (typeof cause !== 'object' || cause === null || !('code' in cause) || !('message' in cause)) return false;
  return cause.code === NO_PARTITION_SQLSTATE && typeof cause.message === 'string' && cause.message.startsWith('no partition of relation');
}

/** okms_20261202_000000 for a partition starting 2026-12-02T00:00:00Z (milliseconds appended when not zero). */
export function partitionNameOf(startMs: number): string {
  const iso = new Date(startMs).toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const millis = startMs % 1000 === 0 ? '' : `_${iso.slice(20, 23)}`;
  return `okms_${stamp}${millis}`;
}

/**
 * A new partition is made apart and then attached: ATTACH PARTITION takes a SHARE UPDATE EXCLUSIVE lock
 * on okms, which lets pushes and reads go on, where CREATE TABLE ... PARTITION OF would take an ACCESS
 * EXCLUSIVE one. Checking the empty table against its range costs nothing. Indexes are per partition:
 * - the dedup identity's digest, UNIQUE: the arbiter of INSERT ... ON CONFLICT DO NOTHING within the partition;
 * - id: the newest OKMs of all devices, and the answer link (by id, within the partition of its time);
 * - (cwm_id, id), (origin_id, id): the newest OKMs of a CWM or device, and counts;
 * - (origin_id, received_at): a device's heartbeat series over a time range;
 * - BRIN on received_at: OKMs per minute, all devices. Rows arrive in receive-time order, so a BRIN
 *   summary (a few bytes per 128 pages) finds a time range as well as a B-tree would, at almost no size.
 */
function createPartitionSql(name: string, startMs: number, endMs: number): string {
  const table = quoteIdentifier(name);
  const index = (suffix: string): string => quoteIdentifier(`${name}_${suffix}`);
  return `
    CREATE TABLE ${table} (LIKE okms INCLUDING STORAGE INCLUDING COMPRESSION);
    CREATE UNIQUE INDEX ${index('dedup')} ON ${table} ((${dedupDigestSql('')}));
    CREATE INDEX ${index('by_id')} ON ${table} (id);
    CREATE INDEX ${index('by_cwm')} ON ${table} (cwm_id, id);
    CREATE INDEX ${index('by_origin')} ON ${table} (origin_id, id);
    CREATE INDEX ${index('by_origin_time')} ON ${table} (origin_id, received_at);
    CREATE INDEX ${index('by_time')} ON ${table} USING brin (received_at);
    ALTER TABLE okms ATTACH PARTITION ${table} FOR VALUES FROM (${startMs}) TO (${endMs});`;
}

async function readPartitions(runner: SqlRunner): Promise<TelemetryPartition[]> {
  const { rows } = await runner.query<{ name: string; bound: string; approx: number }>(LIST_PARTITIONS);
  const partitions: TelemetryPartition[] = [];
  for (const row of rows) {
    // Every partition is made here with numeric bounds; one with MINVALUE/MAXVALUE (made by hand) is not listed.
    const match = BOUND.exec(row.bound);
    if (!match) continue;
    partitions.push({ name: row.name, startMs: Number(match[1]), endMs: Number(match[2]), approxOkms: Math.round(row.approx) });
  }
  return partitions.sort((a, b) => a.startMs - b.startMs);
}

function covering(partitions: readonly TelemetryPartition[], atMs: number): TelemetryPartition | undefined {
  return partitions.find((p) => p.startMs <= atMs && atMs < p.endMs);
}

/** `spanMs`: the span of a new partition, a positive whole number of milliseconds. */
export function createOkmPartitions(db: PostgresDatabase, spanMs: number): OkmPartitions {
  /** Partitions known to exist, oldest first (a snapshot: the catalog is the truth). */
  let known: TelemetryPartition[] = [];
  const alignedStartOf = (atMs: number): number => Math.floor(atMs / spanMs) * spanMs;

  /** Runs under the partition lock: makes what is still missing, after reading what exists now. */
  async function create(tx: SqlRunner, timesMs: readonly number[]): Promise<TelemetryPartition[]> {
    await tx.query(LOCK_PARTITIONS);
    const existing = await readPartitions(tx);
    for (const atMs of timesMs) {
      if (covering(existing, atMs)) continue;
      const below = existing.filter((p) => p.endMs <= atMs).reduce((end, p) => Math.max(end, p.endMs), -Infinity);
      const above = existing.filter((p) => p.startMs > atMs).reduce((start, p) => Math.min(start, p.startMs), Infinity);
      const startMs = Math.max(alignedStartOf(atMs), below);
      const endMs = Math.min(alignedStartOf(atMs) + spanMs, above);
      const name = partitionNameOf(startMs);
      await tx.query(createPartitionSql(name, startMs, endMs));
      existing.push({ name, startMs, endMs, approxOkms: 0 });
      existing.sort((a, b) => a.startMs - b.startMs);
    }
    return existing;
  }

  return {
    async ensureCovering(timesMs) {
      const missing = [...new Set(timesMs)].filter((atMs) => !covering(known, atMs));
      if (missing.length === 0) return;
      known = await db.transaction((tx) => create(tx, missing));
    },
    forget() {
      known = [];
    },
    startOf(atMs) {
      return covering(known, atMs)?.startMs ?? alignedStartOf(atMs);
    },
    list: () => readPartitions(db.read),
    async dropBefore(cutoffMs) {
      const dropped = await db.transaction(async (tx) => {
        await tx.query(DROP_LOCK_TIMEOUT);
        await tx.query(LOCK_PARTITIONS);
        const expired = (await readPartitions(tx)).filter((p) => p.endMs <= cutoffMs);
        for (const partition of expired) await tx.query(`DROP TABLE ${quoteIdentifier(partition.name)}`);
        return expired;
      });
      known = known.filter((p) => !dropped.some((d) => d.name === p.name));
      return { partitions: dropped.length, approxOkms: dropped.reduce((sum, p) => sum + p.approxOkms, 0) };
    },
  };
}
