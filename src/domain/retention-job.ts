// Retention, run at start and hourly. Stored OKMs: whole time partitions past --telemetry-retention-days
// are dropped (O(partitions)), and the partitions for now and the next span are made ahead of the pushes
// that need them. Finished messages of the command queue, the audit log, and download part rows: rows go
// in chunks, each its own short write, with a turn of the event loop between chunks, so device requests
// keep being served while a large backlog is removed.

import type { Clock } from './clock.js';
import type { FileStore } from './file-store.js';
import type { MessageStore } from './message-store.js';
import type { OperatorStore } from './operator-store.js';
import type { RollupStore } from './rollup-store.js';
import type { TelemetryStore } from './telemetry-store.js';

export const RETENTION_CHUNK_ROWS = 1000;
const DAY_MS = 86_400_000;

export interface RetentionSettings {
  /** Days stored OKMs are kept (whole partitions whose range ended before go); 0: for ever. */
  readonly telemetryRetentionDays: number;
  /** Days minute rollups (and the fleet's OKMs per minute) are kept; 0: for ever. */
  readonly minuteRollupRetentionDays: number;
  /** Days hour rollups are kept; 0: for ever. */
  readonly rollupRetentionDays: number;
  /** Days a finished (answered, expired, cancelled, or delivered and never answered) message is kept; 0: for ever. */
  readonly messageRetentionDays: number;
  /** Days an audit entry is kept; 0: for ever. */
  readonly auditRetentionDays: number;
  /** Days a download part row is kept (the per-client progress stays); 0: for ever. */
  readonly transferRowsKeepDays: number;
}

/** How many rows of each kind one run removed. */
export interface RetentionReport {
  /** OKM partitions dropped, and about how many OKMs they held. */
  readonly telemetryPartitions: number;
  readonly okms: number;
  /** Rollup rows removed (minute and hour). */
  readonly rollupRows: number;
  readonly messages: number;
  readonly auditEntries: number;
  readonly transferRows: number;
}

export interface RetentionDeps {
  readonly store: MessageStore & OperatorStore & Pick<FileStore, 'pruneFileTransfers'> & Pick<TelemetryStore, 'dropTelemetryBefore' | 'preparePartitions'>
    & Pick<RollupStore, 'pruneRollups'>;
  readonly clock: Clock;
  readonly settings: RetentionSettings;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Repeats `pruneChunk` until a chunk comes back short; returns the total removed. */
async function pruneInChunks(pruneChunk: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await pruneChunk(RETENTION_CHUNK_ROWS);
    total += removed;
    if (removed < RETENTION_CHUNK_ROWS) return total;
    await nextTurn();
  }
}

export async function runRetention(deps: RetentionDeps): Promise<RetentionReport> {
  const { store, settings } = deps;
  const nowMs = deps.clock.nowMs();
  const cutoff = (days: number): number => nowMs - days * DAY_MS;
  await store.preparePartitions(nowMs);
  const telemetry = settings.telemetryRetentionDays === 0
    ? { partitions: 0, approxOkms: 0 }
    : await store.dropTelemetryBefore(cutoff(settings.telemetryRetentionDays));
  const minuteRollups = settings.minuteRollupRetentionDays === 0
    ? 0
    : await pruneInChunks((limit) => store.pruneRollups('minute', cutoff(settings.minuteRollupRetentionDays), limit));
  const hourRollups = settings.rollupRetentionDays === 0
    ? 0
    : await pruneInChunks((limit) => store.pruneRollups('hour', cutoff(settings.rollupRetentionDays), limit));
  const messages = settings.messageRetentionDays === 0
    ? 0
    : await pruneInChunks((limit) => store.pruneFinishedMessages(cutoff(settings.messageRetentionDays), limit));
  const auditEntries = settings.auditRetentionDays === 0
    ? 0
    : await pruneInChunks((limit) => store.pruneAudit(cutoff(settings.auditRetentionDays), limit));
  const transferRows = settings.transferRowsKeepDays === 0 ? 0 : await store.pruneFileTransfers(cutoff(settings.transferRowsKeepDays));
  return { telemetryPartitions: telemetry.partitions, okms: telemetry.approxOkms, rollupRows: minuteRollups + hourRollups, messages, auditEntries, transferRows };
}
