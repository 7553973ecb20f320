// The embedded store: one SQLite file in WAL mode in the data directory, every write group-committed.
// Several processes may open it at once (the CLI beside a running server): writers wait on the lock.

import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../../domain/store.js';
import type { WriteHealth } from '../../../domain/write-health.js';
import { OpenTpsError } from '../../../errors.js';
import { createSqliteCensusRepo } from './sqlite-census-repo.js';
import { createSqliteDeviceRepo } from './sqlite-device-repo.js';
import { createSqliteDeviceActivityWriter } from './sqlite-device-activity.js';
import { createDeviceActivityWriter } from '../../../domain/device-activity.js';
import { createSqliteFileRepo } from './sqlite-file-repo.js';
import { createSqliteFleetQueries, SQLITE_DIALECT } from './sqlite-fleet-queries.js';
import { createSqliteModelRepo } from './sqlite-model-repo.js';
import { createSqliteSiteRepo } from './sqlite-site-repo.js';
import { createSqliteTagRepo } from './sqlite-tag-repo.js';
import { createSqliteAlertRepo } from './sqlite-alert-repo.js';
import { createAlertSourceReads } from '../alert-sql/alert-source-reads.js';
import { createSqliteReader } from './sqlite-sql-reader.js';
import { createEquipmentQueries } from '../equipment-sql/equipment-page-query.js';
import { createSqliteMessageRepo } from './sqlite-message-repo.js';
import { createSqliteOperatorRepo } from './sqlite-operator-repo.js';
import { RECORD_MIGRATIONS, TRAFFIC_MIGRATIONS, migrateSqlite } from './sqlite-migrations.js';
import { DEFAULT_PARTITION_SPAN_MS } from '../../../domain/telemetry-store.js';
import { createSqliteTelemetryRepo } from './sqlite-telemetry-repo.js';
import { createSqliteRollupRepo } from './sqlite-rollup-repo.js';
import { createDeviceRefs } from './device-refs.js';
import { observeQueue, type CommitObserver } from '../commit-observer.js';
import { createSqliteTrafficRepo } from './sqlite-traffic-repo.js';
import { startTrafficWriter } from './traffic-writer.js';
import { createWalBound, type WalBound, type WalBoundEvent } from './wal-bound.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { watchWriteBatcher } from './watched-write-batcher.js';
import { createWalSync } from './wal-sync.js';
import { createWriteBatcher, type WriteBatcher } from './write-batcher.js';
import type { BackgroundFailure, ReportBackgroundFailure } from '../../../domain/background-failure.js';
import { createStderrFailureReporter } from '../../logging/background-failure-log.js';

export type SqliteDurability = 'full' | 'normal';

export interface SqliteStoreOptions {
  readonly dataDir: string;
  /** `full` fsyncs every commit (survives power loss); `normal` survives a process crash only. */
  readonly durability: SqliteDurability;
  /** How long a writer waits for another process's write lock. */
  readonly busyTimeoutMs: number;
  /** Group-commit window (see write-batcher.ts); 0 commits at the end of each event-loop turn. */
  readonly commitWindowMs?: number;
  /** Least time between two commits of one database when busy (see write-batcher.ts); 0: no least. */
  readonly minCommitIntervalMs?: number;
  /**
   * Checkpoint the WAL on a worker thread every this many ms instead of inside commits (see
   * wal-checkpointer.ts). For the long-running server; short CLI processes leave it to SQLite.
   */
  readonly backgroundCheckpointMs?: number;
  /** Told of every write to the records database (opentps.db); absent: nobody asks (CLI, tests). */
  readonly writeHealth?: WriteHealth;
  /**
   * With background checkpoints: keep each WAL file (opentps.db-wal, traffic.db-wal) under this many bytes
   * by holding writers while the WAL is restarted (see wal-bound.ts); 0 or absent: no bound.
   */
  readonly maxWalBytes?: number;
  /** Longest writers are held for one WAL restart (default WAL_RESTART_CAP_MS). */
  readonly walRestartCapMs?: number;
  /** After a WAL restart that was not done, how long before writers are held for another (default WAL_RETRY_AFTER_MS). */
  readonly walRetryAfterMs?: number;
  /** Receive time one OKM partition covers, whole hours (default DEFAULT_PARTITION_SPAN_MS, a day). */
  readonly partitionSpanMs?: number;
  /** Past this many OKMs in a partition, the next ones span fewer hours (default DEFAULT_TARGET_PARTITION_OKMS; see sqlite-telemetry-repo.ts). */
  readonly targetPartitionOkms?: number;
  /** Told of every WAL restart, and of every one that could not be done (default: those reported to reportFailure). */
  readonly onWalEvent?: (event: WalBoundEvent) => void;
  /** How often device rows and states changed by requests are written (default DEVICE_ACTIVITY_FLUSH_MS; see device-activity.ts). */
  readonly deviceActivityFlushMs?: number;
  /** Told of each write of device activity that failed (it is retried; default: reported to reportFailure). */
  readonly onDeviceActivityWriteFailed?: (error: unknown, pendingDevices: number) => void;
  /** Where failures of the store's background work are logged and counted (default: pino lines on stderr, uncounted). */
  readonly reportFailure?: ReportBackgroundFailure;
  /** Told of every batch of writes settled in opentps.db (`records`) and traffic.db (`traffic`); absent: nobody watches. */
  readonly onCommit?: CommitObserver;
}

/** A write of device activity that failed (retried with the next flush), as a background failure. */
export function deviceActivityFailure(error: unknown, pendingDevices: number): BackgroundFailure {
  return { task: 'device-activity-write', level: 'warn', error, context: { pendingDevices } };
}

/** WAL events as background failures: each restart that could not be done (the WAL may grow past its bound). */
export function reportWalRestartFailures(reportFailure: ReportBackgroundFailure): (event: WalBoundEvent) => void {
  return (event) => {
    if (event.kind !== 'not-restarted') return;
    reportFailure({ task: 'wal-restart', level: 'warn', error: event.reason, context: { walPath: event.walPath, walMb: Math.round(event.walBytes / 2 ** 20) } });
  };
}

/** Device activity is written every second: what a crash can lose of last-seen times and latest values. */
export const DEVICE_ACTIVITY_FLUSH_MS = 1000;

export interface SqliteStore extends Store {
  readonly batcher: WriteBatcher;
  readonly path: string;
  /** Resolves once everything accepted so far is written: device activity, queued writes, traffic entries. */
  settle(): Promise<void>;
  /** Drops the cached device credentials when another connection (another process) has committed since the last check; whether it had. */
  dropCredentialsIfOthersCommitted(): boolean;
}

/** A restart normally holds writers for tens of ms (see wal-bound.ts); a second means something is wrong. */
export const WAL_RESTART_CAP_MS = 1000;
export const WAL_RETRY_AFTER_MS = 10_000;

export const SQLITE_FILE_NAME = 'opentps.db';
export const SQLITE_TRAFFIC_FILE_NAME = 'traffic.db';

/**
 * A probe write is one page: it fits where a real batch of pushes does not (measured on a full tmpfs, the
 * probe committed while 8 KB pushes were refused), and a node put back in rotation on its word would be
 * refused again at once. After a failure the store counts as writable when this much is free as well:
 * 16 MiB, or an eighth of a small file system.
 */
const PROBE_MIN_FREE_BYTES = 16 * 1024 * 1024;

function hasRoomAfterFailure(dataDir: string): boolean {
  try {
    const stats = statfsSync(dataDir);
    return stats.bavail * stats.bsize >= Math.min(PROBE_MIN_FREE_BYTES, (stats.blocks * stats.bsize) / 8);
  } catch {
    // A file system that cannot even say how full it is cannot be trusted with a write either.
    return false;
  }
}

function openDatabase(path: string, synchronous: 'FULL' | 'NORMAL', migrations: readonly string[], busyTimeoutMs: number): Database.Database {
  try {
    const db = new Database(path, { timeout: busyTimeoutMs });
    // The store holds provisioning keys: owner-only, whatever the umask (SQLite gives its -wal and -shm the same mode).
    chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    migrateSqlite(db, migrations);
    return db;
  } catch (cause) {
    throw new OpenTpsError('ERR_STORE_FAILED', `cannot open ${path}`, { cause });
  }
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const path = join(options.dataDir, SQLITE_FILE_NAME);
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new OpenTpsError('ERR_STORE_FAILED', `cannot create ${options.dataDir}`, { cause });
  }
  // synchronous=NORMAL keeps fsync out of COMMIT (it would block the event loop); for `full` durability
  // the WAL is fsync'd off-thread after each group commit, before any writer is answered (wal-sync.ts).
  const db = openDatabase(path, 'NORMAL', RECORD_MIGRATIONS, options.busyTimeoutMs);
  const checkpointMs = options.backgroundCheckpointMs ?? 0;
  const walSync = options.durability === 'full' ? createWalSync(`${path}-wal`) : null;
  // Traffic is diagnostics: WAL with synchronous=NORMAL survives a process crash without an fsync per commit;
  // a power cut may lose the last recorded requests, never an OKM or a message.
  const trafficPath = join(options.dataDir, SQLITE_TRAFFIC_FILE_NAME);
  const trafficDb = openDatabase(trafficPath, 'NORMAL', TRAFFIC_MIGRATIONS, options.busyTimeoutMs);
  const reportFailure = options.reportFailure ?? createStderrFailureReporter();
  const onWalEvent = options.onWalEvent ?? reportWalRestartFailures(reportFailure);
  const maxWalBytes = options.maxWalBytes ?? 0;
  // Only opentps.db gets the background checkpointer and the WAL bound: traffic.db is written, and
  // checkpointed, by its own worker thread (traffic-writer-worker.mjs).
  const background = checkpointMs > 0
    ? [path].map((file) => {
        db.pragma('wal_autocheckpoint = 0');
        const checkpointer = startWalCheckpointer({
          path: file,
          intervalMs: checkpointMs,
          busyTimeoutMs: options.busyTimeoutMs,
          onError: (message) => reportFailure({ task: 'wal-checkpoint', level: 'warn', error: message, context: { file } }),
        });
        const bound: WalBound | null = maxWalBytes > 0
          ? createWalBound({
              walPath: `${file}-wal`,
              maxWalBytes,
              restartCapMs: options.walRestartCapMs ?? WAL_RESTART_CAP_MS,
              retryAfterMs: options.walRetryAfterMs ?? WAL_RETRY_AFTER_MS,
              checkpoint: (mode, busyTimeoutMs) => checkpointer.checkpoint(mode, busyTimeoutMs),
              onEvent: onWalEvent,
            })
          : null;
        // The first commit after each restart trims the file back to the restart mark (see wal-bound.ts).
        if (bound) db.pragma(`journal_size_limit = ${bound.restartAtBytes}`);
        return { checkpointer, bound };
      })
    : [];
  const [recordsBound] = background.map(({ bound }) => bound ?? undefined);
  const batcher = createWriteBatcher(db, {
    commitWindowMs: options.commitWindowMs ?? 0,
    minCommitIntervalMs: options.minCommitIntervalMs ?? 0,
    ...(walSync ? { afterCommit: () => walSync.sync() } : {}),
    ...(recordsBound ? { gate: recordsBound } : {}),
    onBatchSettled: observeQueue(options.onCommit, 'records'),
  });
  const trafficWriter = startTrafficWriter({ path: trafficPath, busyTimeoutMs: options.busyTimeoutMs, onBatchSettled: observeQueue(options.onCommit, 'traffic') });
  // Only the records database decides whether the node can store: traffic is diagnostics (and a write
  // there may succeed or fail apart from the records, which would make the verdict flap).
  const records = options.writeHealth ? watchWriteBatcher(batcher, options.writeHealth) : batcher;
  const messages = createSqliteMessageRepo(db, records);
  const activity = createDeviceActivityWriter({
    write: createSqliteDeviceActivityWriter(db, records),
    intervalMs: options.deviceActivityFlushMs ?? DEVICE_ACTIVITY_FLUSH_MS,
    onWriteFailed: options.onDeviceActivityWriteFailed ?? ((error, pending) => reportFailure(deviceActivityFailure(error, pending))),
  });
  const { forgetCredentials, ...devices } = createSqliteDeviceRepo(db, records, activity.buffer);
  const deviceRefs = createDeviceRefs(db);
  const telemetry = createSqliteTelemetryRepo(db, records, messages.hasPendingNow, options.partitionSpanMs ?? DEFAULT_PARTITION_SPAN_MS, deviceRefs, activity.buffer, options.targetPartitionOkms);
  // Readers in this process see every change acknowledged so far: device activity still gathered is
  // written first (a reader waits one commit). Other processes see it within DEVICE_ACTIVITY_FLUSH_MS.
  const afterActivity = <A extends unknown[], R>(read: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    await activity.flush();
    return read(...args);
  };
  const rollups = createSqliteRollupRepo(db, records, deviceRefs);
  const traffic = createSqliteTrafficRepo(trafficDb, trafficWriter);
  const operators = createSqliteOperatorRepo(db, records);
  const census = createSqliteCensusRepo(db);
  const fleetReads = createSqliteFleetQueries(db);
  const equipment = createEquipmentQueries(createSqliteReader(db), SQLITE_DIALECT);
  const sites = createSqliteSiteRepo(db, records, forgetCredentials);
  const alertSources = createAlertSourceReads(createSqliteReader(db), SQLITE_DIALECT);
  let isClosed = false;

  return {
    ...devices,
    findDevice: afterActivity(devices.findDevice),
    listDevices: afterActivity(devices.listDevices),
    listDeviceStates: afterActivity(devices.listDeviceStates),
    queryDevices: afterActivity(fleetReads.queryDevices),
    summarizeFleet: afterActivity(fleetReads.summarizeFleet),
    ...messages,
    ...telemetry,
    ...rollups,
    ...traffic,
    ...operators,
    ...createSqliteFileRepo(db, records),
    ...census,
    countDevicesByStatus: afterActivity(census.countDevicesByStatus),
    // Equipment records are device states: written behind, like the devices' activity.
    queryEquipment: afterActivity(equipment.queryEquipment),
    findEquipment: afterActivity(equipment.findEquipment),
    ...createSqliteModelRepo(db, records),
    ...sites,
    // A CWM first seen in a push has its devices row once the activity is written.
    recordGatewayMac: afterActivity(sites.recordGatewayMac),
    assignDeviceSite: afterActivity(sites.assignDeviceSite),
    findDevicePlacement: afterActivity(sites.findDevicePlacement),
    ...createSqliteTagRepo(db, records),
    ...createSqliteAlertRepo(db, records),
    ...alertSources,
    // Last-seen times are device activity, written behind.
    listDeviceRhythms: afterActivity(alertSources.listDeviceRhythms),
    findDeviceRhythms: afterActivity(alertSources.findDeviceRhythms),
    batcher,
    path,
    dropCredentialsIfOthersCommitted: devices.dropCredentialsIfOthersCommitted,
    async settle() {
      await activity.flush();
      await Promise.all([batcher.drain(), trafficWriter.drain()]);
    },
    get pendingWriteCount() {
      return batcher.pendingCount + trafficWriter.pendingCount;
    },
    async checkHealth() {
      if (isClosed) throw new OpenTpsError('ERR_STORE_FAILED', 'the store is closed');
      try {
        db.prepare('SELECT 1').get();
      } catch (cause) {
        throw new OpenTpsError('ERR_STORE_FAILED', 'the database does not answer', { cause });
      }
    },
    async probeWrite() {
      if (options.writeHealth?.failure && !hasRoomAfterFailure(options.dataDir)) {
        options.writeHealth.noteFailed('disk full');
        throw new OpenTpsError('ERR_STORE_FAILED', `disk full: less than ${PROBE_MIN_FREE_BYTES >> 20} MiB free under ${options.dataDir}`);
      }
      // Rewrites the header's application id with its own value: one page appended to the WAL, no data changed.
      await records.run(() => {
        const applicationId = Number(db.pragma('application_id', { simple: true }));
        db.pragma(`application_id = ${applicationId}`);
      });
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      await activity.close();
      await Promise.all([batcher.drain(), trafficWriter.close()]);
      for (const { bound } of background) bound?.close();
      await Promise.all(background.map(({ checkpointer }) => checkpointer.close()));
      walSync?.close();
      db.close();
      trafficDb.close();
    },
  };
}
