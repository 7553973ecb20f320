// The shared store: one PostgreSQL database (optionally one schema in it) that several OpenTPS nodes
// use at once. Migrated at open; every write commits before the caller is answered.

import pg from 'pg';
import type { Store } from '../../../domain/store.js';
import type { WriteHealth } from '../../../domain/write-health.js';
import { DEFAULT_PARTITION_SPAN_MS } from '../../../domain/telemetry-store.js';
import { OpenTpsError } from '../../../errors.js';
import { observeQueue, type CommitObserver } from '../commit-observer.js';
import { createPostgresCensusRepo } from './postgres-census-repo.js';
import { createPostgresDatabase } from './postgres-database.js';
import { createCredentialsCache } from './postgres-credentials-cache.js';
import { createPostgresDeviceRepo } from './postgres-device-repo.js';
import { createPostgresFileRepo } from './postgres-file-repo.js';
import { createPostgresFleetQueries, POSTGRES_DIALECT } from './postgres-fleet-queries.js';
import { createPostgresModelRepo } from './postgres-model-repo.js';
import { createPostgresSiteRepo } from './postgres-site-repo.js';
import { createPostgresTagRepo } from './postgres-tag-repo.js';
import { createPostgresAlertRepo } from './postgres-alert-repo.js';
import { createAlertSourceReads } from '../alert-sql/alert-source-reads.js';
import { createPostgresReader } from './postgres-sql-reader.js';
import { createEquipmentQueries } from '../equipment-sql/equipment-page-query.js';
import { createPostgresMessageRepo } from './postgres-message-repo.js';
import { migratePostgres, quoteIdentifier } from './postgres-migrations.js';
import { createPostgresOperatorRepo } from './postgres-operator-repo.js';
import { createPostgresRollupRepo } from './postgres-rollup-repo.js';
import { createPostgresTelemetryRepo } from './postgres-telemetry-repo.js';
import { createPostgresTrafficRepo } from './postgres-traffic-repo.js';
import type { ReportBackgroundFailure } from '../../../domain/background-failure.js';
import { createStderrFailureReporter } from '../../logging/background-failure-log.js';

export interface PostgresStoreOptions {
  /** A libpq URL, e.g. `postgres://opentps@db.internal:5432/opentps`. */
  readonly connectionString: string;
  /** The schema holding the tables, created when missing; the server's default search_path when omitted. */
  readonly schema?: string;
  /** Connections this node may hold at most. */
  readonly maxConnections?: number;
  /** How long to wait for a connection before an operation fails with ERR_STORE_FAILED. */
  readonly connectTimeoutMs?: number;
  /** An idle pooled connection broke (the server restarted, the network dropped): the pool replaces it. */
  readonly onConnectionError?: (error: Error) => void;
  /** Where failures of background work are logged and counted (default: pino lines on stderr, uncounted). */
  readonly reportFailure?: ReportBackgroundFailure;
  /** Told of every write; absent: nobody asks (CLI, tests). */
  readonly writeHealth?: WriteHealth;
  /**
   * The span of receive times of one stored-OKM partition (DEFAULT_PARTITION_SPAN_MS when omitted);
   * partitions start at multiples of it since the epoch. A change applies to partitions made from then on.
   */
  readonly partitionSpanMs?: number;
  /** Told of every batch of pushes (`records`) and of traffic entries (`traffic`) settled; absent: nobody watches. */
  readonly onCommit?: CommitObserver;
}

/** How long a health check waits for the database. */
const HEALTH_TIMEOUT_MS = 2000;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Partitions are named by their start to the second (postgres-okm-partitions.ts): a span is a minute at least. */
const MIN_PARTITION_SPAN_MS = 60_000;

const INT8_OID = pg.types.builtins.INT8;

/**
 * BIGINT columns (epoch milliseconds, counters, row ids) and count(*) come back as JS numbers, not
 * strings: they stay far below 2^53. Set on this pool only, so that other pg users in the process keep
 * the driver's defaults.
 */
const BIGINT_AS_NUMBER: pg.CustomTypesConfig = {
  getTypeParser(oid, format) {
    return oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens (and migrates) the PostgreSQL store.
 * @example const store = await openPostgresStore({ connectionString: 'postgres://opentps@127.0.0.1/opentps' });
 * @throws OpenTpsError ERR_STORE_FAILED when the database cannot be reached or migrated
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? null;
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new OpenTpsError('ERR_STORE_FAILED', `schema must match ${SCHEMA_NAME.source}, got "${schema}"`);
  }
  const partitionSpanMs = options.partitionSpanMs ?? DEFAULT_PARTITION_SPAN_MS;
  if (!Number.isSafeInteger(partitionSpanMs) || partitionSpanMs < MIN_PARTITION_SPAN_MS) {
    throw new OpenTpsError('ERR_STORE_FAILED', `partitionSpanMs must be a whole number of milliseconds >= ${MIN_PARTITION_SPAN_MS}, got ${String(options.partitionSpanMs)}`);
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: BIGINT_AS_NUMBER,
    application_name: 'opentps',
    ...(schema === null ? {} : { options: `-c search_path=${quoteIdentifier(schema)}` }),
  });
  // Without a listener, an idle client's error would crash the process.
  const reportFailure = options.reportFailure ?? createStderrFailureReporter();
  // The pool drops the client and opens another on the next query: reported, not fatal.
  pool.on('error', options.onConnectionError ?? ((error) => reportFailure({ task: 'postgres-idle-connection', level: 'warn', error, context: { schema } })));
  try {
    const client = await pool.connect();
    let isBroken = false;
    // A connection lost mid-migration must fail the open, not crash the process (see postgres-database.ts).
    const onConnectionError = (): void => {
      isBroken = true;
    };
    client.on('error', onConnectionError);
    try {
      await migratePostgres(client, schema);
    } catch (error) {
      isBroken = true;
      throw error;
    } finally {
      client.off('error', onConnectionError);
      client.release(isBroken);
    }
  } catch (cause) {
    // The open failed: that error is thrown below; ending the pool is cleanup only.
    await pool.end().catch(() => undefined);
    throw new OpenTpsError('ERR_STORE_FAILED', `cannot open the PostgreSQL store${schema === null ? '' : ` (schema ${schema})`}`, { cause });
  }

  const db = createPostgresDatabase(pool, options.writeHealth);
  const messages = createPostgresMessageRepo(db);
  const telemetry = createPostgresTelemetryRepo(db, partitionSpanMs, observeQueue(options.onCommit, 'records'));
  const traffic = createPostgresTrafficRepo(db, observeQueue(options.onCommit, 'traffic'));
  const credentials = createCredentialsCache(options.connectionString);
  let closing: Promise<void> | null = null;
  return {
    ...createPostgresDeviceRepo(db, credentials),
    ...createPostgresFleetQueries(db),
    ...messages,
    ...telemetry,
    ...createPostgresRollupRepo(db),
    ...traffic,
    ...createPostgresOperatorRepo(db),
    ...createPostgresFileRepo(db),
    ...createPostgresCensusRepo(db),
    ...createEquipmentQueries(createPostgresReader(db), POSTGRES_DIALECT),
    ...createPostgresModelRepo(db),
    ...createPostgresSiteRepo(db, credentials),
    ...createPostgresTagRepo(db),
    ...createPostgresAlertRepo(db),
    ...createAlertSourceReads(createPostgresReader(db), POSTGRES_DIALECT),
    get pendingWriteCount() {
      return db.pendingWriteCount + messages.countWaitingEnqueues() + telemetry.pendingPushCount;
    },
    async checkHealth() {
      // A health check must answer quickly: a database that takes longer than this counts as down.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new OpenTpsError('ERR_STORE_FAILED', `no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
      });
      try {
        await Promise.race([db.read.query('SELECT 1'), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async probeWrite() {
      // Rewrites one migration row with its own values: a new row version and a WAL record, no data changed.
      await db.write('UPDATE schema_migrations SET applied_at = applied_at WHERE version = (SELECT max(version) FROM schema_migrations)');
    },
    close() {
      closing ??= Promise.all([telemetry.drained(), traffic.drained()]).then(() => Promise.all([credentials.close(), db.close()])).then(() => undefined);
      return closing;
    },
  };
}
