// The store the configuration names: PostgreSQL with --db, else the embedded SQLite store in --data, which a
// server runs on a thread of its own (sqlite-store-thread.ts) and a CLI command in its own thread.

import { join } from 'node:path';
import type { Logger } from 'pino';
import { createBackgroundFailureReporter } from '../adapters/logging/background-failure-log.js';
import { logWalEvent } from '../adapters/logging/wal-event-log.js';
import type { EventMetrics } from '../adapters/metrics/event-metrics.js';
import { openPostgresStore } from '../adapters/storage/postgres/postgres-store.js';
import { openSqliteStore, SQLITE_FILE_NAME, SQLITE_TRAFFIC_FILE_NAME } from '../adapters/storage/sqlite/sqlite-store.js';
import { openSqliteStoreThread } from '../adapters/storage/sqlite/sqlite-store-thread.js';
import type { WalBoundEvent } from '../adapters/storage/sqlite/wal-bound.js';
import type { OpenTpsConfig } from '../config/config-schema.js';
import type { Store } from '../domain/store.js';
import type { WriteHealth } from '../domain/write-health.js';

/** Who opens the store: a long-running server, or a short CLI command. */
export type StoreUser = 'server' | 'command';

/** How often the server checkpoints the WAL off the event loop. */
const BACKGROUND_CHECKPOINT_MS = 1000;
/**
 * Least time between two commits of the server's store when busy (write-batcher.ts): at a fleet's 2,500
 * pushes/s, 2 ms makes commits of ~5 pushes instead of 1-3; a quiet node still commits at the end of the turn.
 */
const MIN_COMMIT_INTERVAL_MS = 2;
const HOUR_MS = 3_600_000;

export interface StoreOpening {
  readonly config: Readonly<OpenTpsConfig>;
  readonly user: StoreUser;
  readonly writeHealth: WriteHealth;
  readonly metrics: EventMetrics;
  /** Where the server reports its store's WAL restarts (wal-bound.ts); none: not reported. */
  readonly logger?: Logger | undefined;
}

export async function openStore(opening: StoreOpening): Promise<Store> {
  const { config, writeHealth, metrics, logger } = opening;
  const onCommit = metrics.observeCommit;
  const failures = logger ? { reportFailure: createBackgroundFailureReporter(logger, (task) => metrics.backgroundFailures.labels(task).inc()) } : {};
  const partitionSpanMs = config.telemetryPartitionHours * HOUR_MS;
  if (config.db !== null) return openPostgresStore({ connectionString: config.db, maxConnections: config.dbPoolSize, writeHealth, partitionSpanMs, onCommit, ...failures });
  const isServer = opening.user === 'server';
  const options = {
    dataDir: config.dataDir,
    durability: config.durability,
    busyTimeoutMs: 10_000,
    backgroundCheckpointMs: isServer ? BACKGROUND_CHECKPOINT_MS : 0,
    minCommitIntervalMs: isServer ? MIN_COMMIT_INTERVAL_MS : 0,
    writeHealth,
    // The bound needs the background checkpointer; a short CLI process leaves checkpoints to SQLite.
    maxWalBytes: isServer ? config.maxWalMb * 2 ** 20 : 0,
    partitionSpanMs,
    onCommit,
    ...failures,
    ...(logger ? { onWalEvent: (event: WalBoundEvent) => {
      metrics.observeWalEvent(event);
      logWalEvent(logger, event);
    } } : {}),
  };
  return isServer ? openSqliteStoreThread(options) : openSqliteStore(options);
}

/** The WAL files whose size GET /metrics reports: the embedded store's two; none on PostgreSQL. */
export function walPathsOf(config: Readonly<OpenTpsConfig>): string[] {
  return config.db !== null ? [] : [SQLITE_FILE_NAME, SQLITE_TRAFFIC_FILE_NAME].map((name) => join(config.dataDir, `${name}-wal`));
}
