// The time partitions of stored OKMs in the embedded store (issue 12): one table per span of receive time
// (a day by default), listed in okm_partitions. An OKM goes to the partition of its receive time, so the
// indexes being written are those of one small table that stays in cache; retention drops a whole table.
//
// Layouts: 'compact' partitions are the tables made here (compact-okm-codec.ts, device-refs.ts): per OKM
// about 190 bytes with indexes instead of ~620. 'legacy' is the one table of OKMs stored before
// partitions existed (migration 9), read as it is and never written again.
//
// Why not one file per partition (ATTACH): SQLite attaches at most 10 files by default, a transaction
// across attached WAL databases is not atomic, and backups and the WAL bound would have to follow each
// file. One file with one table per span keeps all of that; the price is that DROP TABLE frees the pages
// into the file's free list (reused by later partitions) instead of giving them back to the filesystem,
// and that it walks the table's pages (not its rows): measured in BENCHMARKS.md "retention".

import type { Database } from 'better-sqlite3';
import { SEED_DICTIONARY } from './compact-okm-codec.js';

export type PartitionLayout = 'legacy' | 'compact';

export interface OkmPartition {
  /** The table's name: okms_legacy, or okms_<UTC start as YYYYMMDDTHHmm>. */
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly layout: PartitionLayout;
  /** The compact layout's deflate dictionary. */
  readonly dictionary: Buffer;
}

/** How a partition about to be made is set up, from what the partitions before it hold. */
export interface NewPartitionSettings {
  /** The deflate dictionary of a partition starting at startMs. */
  dictionaryFor(startMs: number): Buffer;
  /** The span of a partition for receive time atMs: whole hours, at most the configured span. */
  spanFor(atMs: number): number;
}

export interface OkmPartitionCatalog {
  readonly spanMs: number;
  /** Every partition as last committed, oldest start first. */
  all(): readonly OkmPartition[];
  /** Partitions that may hold OKMs received in [fromMs, toMs), oldest first. */
  overlapping(fromMs: number, toMs: number): OkmPartition[];
  /** Partitions that may hold an earlier copy of an OKM received at atMs: those reaching past lookbackStartMs (dedupLookbackStartMs). */
  dedupCandidates(atMs: number, lookbackStartMs: number): OkmPartition[];
  /**
   * The compact partition an OKM received at atMs goes to, made if missing (call inside a write
   * transaction); `isNew`: it was not in the committed list, so reload() once the transaction has ended.
   */
  forInsert(atMs: number, make: NewPartitionSettings): { partition: OkmPartition; isNew: boolean };
  /** Removes a partition's table and its catalog row (call inside a write transaction). */
  drop(partition: OkmPartition): void;
  /** Reads the committed list again. */
  reload(): void;
}

interface CatalogRow {
  name: string;
  start_ms: number;
  end_ms: number;
  layout: PartitionLayout;
  dictionary: Buffer | null;
}

/** okms_20270115T0000: the UTC start of the span, to the minute (spans are whole hours, clipped ones too). */
export function partitionNameOf(startMs: number): string {
  const stamp = new Date(startMs).toISOString();
  return `okms_${stamp.slice(0, 4)}${stamp.slice(5, 7)}${stamp.slice(8, 10)}T${stamp.slice(11, 13)}${stamp.slice(14, 16)}`;
}

/** The DDL of a compact partition; the body column last so that the small ones are read without it. */
function compactTableDdl(name: string): string {
  return `
    CREATE TABLE IF NOT EXISTS "${name}" (
      id INTEGER PRIMARY KEY,
      received_at INTEGER NOT NULL,
      cwm_ref INTEGER NOT NULL,
      origin_ref INTEGER NOT NULL,
      flags INTEGER NOT NULL,
      dedup BLOB,
      answers_message INTEGER,
      body BLOB NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX IF NOT EXISTS "${name}_dedup" ON "${name}"(dedup) WHERE dedup IS NOT NULL;
    CREATE INDEX IF NOT EXISTS "${name}_by_cwm" ON "${name}"(cwm_ref, id);
    CREATE INDEX IF NOT EXISTS "${name}_by_origin" ON "${name}"(origin_ref, received_at);
    CREATE INDEX IF NOT EXISTS "${name}_by_time" ON "${name}"(received_at);`;
}

export function openOkmPartitionCatalog(db: Database, spanMs: number): OkmPartitionCatalog {
  if (!Number.isSafeInteger(spanMs) || spanMs < 3_600_000 || spanMs % 3_600_000 !== 0) {
    throw new Error(`a partition spans whole hours, got ${spanMs} ms`);
  }
  const selectAll = db.prepare<[], CatalogRow>('SELECT name, start_ms, end_ms, layout, dictionary FROM okm_partitions ORDER BY start_ms, name');
  const selectCovering = db.prepare<[number, number], CatalogRow>(
    `SELECT name, start_ms, end_ms, layout, dictionary FROM okm_partitions WHERE layout = 'compact' AND start_ms <= ? AND end_ms > ?`,
  );
  const selectNeighbours = db.prepare<[number, number], { before: number | null; after: number | null }>(
    `SELECT (SELECT max(end_ms) FROM okm_partitions WHERE layout = 'compact' AND end_ms <= ?) AS before,
            (SELECT min(start_ms) FROM okm_partitions WHERE layout = 'compact' AND start_ms > ?) AS after`,
  );
  const insertCatalog = db.prepare<[string, number, number, Buffer]>(
    `INSERT INTO okm_partitions (name, start_ms, end_ms, layout, dictionary) VALUES (?, ?, ?, 'compact', ?)`,
  );
  const deleteCatalog = db.prepare<[string]>('DELETE FROM okm_partitions WHERE name = ?');
  const toPartition = (row: CatalogRow): OkmPartition => ({
    name: row.name,
    startMs: row.start_ms,
    endMs: row.end_ms,
    layout: row.layout,
    dictionary: row.dictionary ?? SEED_DICTIONARY,
  });
  let partitions: OkmPartition[] = [];

  function reload(): void {
    partitions = selectAll.all().map(toPartition);
  }

  // A legacy table left empty by the migration (it had no OKM) is not a partition: drop it.
  const hasLegacyTable = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'okms_legacy'`).get() !== undefined;
  const hasLegacyRow = db.prepare(`SELECT 1 FROM okm_partitions WHERE name = 'okms_legacy'`).get() !== undefined;
  if (hasLegacyTable && !hasLegacyRow) db.exec('DROP TABLE okms_legacy');
  reload();

  return {
    spanMs,
    all: () => partitions,
    overlapping(fromMs, toMs) {
      return partitions.filter((p) => p.startMs < toMs && p.endMs > fromMs);
    },
    dedupCandidates(atMs, lookbackStartMs) {
      return partitions.filter((p) => p.startMs <= atMs && p.endMs > lookbackStartMs);
    },
    forInsert(atMs, make) {
      const known = partitions.find((p) => p.layout === 'compact' && p.startMs <= atMs && atMs < p.endMs);
      if (known) return { partition: known, isNew: false };
      const existing = selectCovering.get(atMs, atMs);
      if (existing) return { partition: toPartition(existing), isNew: true };
      // The span's own range, clipped so as not to overlap a partition made with another span setting.
      const neighbours = selectNeighbours.get(atMs, atMs);
      const span = make.spanFor(atMs);
      const spanStart = Math.floor(atMs / span) * span;
      const startMs = Math.max(spanStart, neighbours?.before ?? spanStart);
      const endMs = Math.min(spanStart + span, neighbours?.after ?? spanStart + span);
      const name = partitionNameOf(startMs);
      const dictionary = make.dictionaryFor(startMs);
      db.exec(compactTableDdl(name));
      insertCatalog.run(name, startMs, endMs, dictionary);
      return { partition: { name, startMs, endMs, layout: 'compact', dictionary }, isNew: true };
    },
    drop(partition) {
      db.exec(`DROP TABLE IF EXISTS "${partition.name}"`);
      deleteCatalog.run(partition.name);
    },
    reload,
  };
}
