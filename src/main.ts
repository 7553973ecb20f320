// The only place that wires OpenTPS together: configuration -> store -> domain services -> transports.
// Building the app and listening are separate, so tests can drive the app without an open port.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { registerAdminApi } from './adapters/admin-api/admin-api.js';
import { registerConsoleStatic } from './adapters/console-http/console-static.js';
import { registerPullformRoute } from './adapters/console-http/pullform-route.js';
import { registerHealthRoute } from './adapters/device-http/health-route.js';
import { buildDeviceApp, type ClientAuthGate, type DeviceApp } from './adapters/device-http/device-app.js';
import { startPostgresEventRelay } from './adapters/storage/postgres/postgres-event-relay.js';
import { openPostgresStore } from './adapters/storage/postgres/postgres-store.js';
import { openSqliteStore, SQLITE_FILE_NAME, SQLITE_TRAFFIC_FILE_NAME, type SqliteStoreOptions } from './adapters/storage/sqlite/sqlite-store.js';
import { openSqliteStoreThread } from './adapters/storage/sqlite/sqlite-store-thread.js';
import type { WalBoundEvent } from './adapters/storage/sqlite/wal-bound.js';
import { describe as describeTlsIdentity, ensureSelfSignedIdentity, loadTlsIdentity, type TlsIdentity } from './adapters/tls/self-signed-certificate.js';
import { effectiveClientAuthMode, type ClientAuthMode } from './domain/client-auth-mode.js';
import { openCaDirectory } from './adapters/tls/ca-directory.js';
import { createX509Minter } from './adapters/tls/x509-minter.js';
import { createCertificateAuthority, type CertificateAuthority } from './domain/certificate-authority.js';
import { createDiskFileContent } from './adapters/storage/files/disk-file-content.js';
import type { OpenTpsConfig } from './config/config-schema.js';
import { isOpenTpsError } from './errors.js';
import { createAuditLog, type AuditLog } from './domain/audit-log.js';
import { createSystemClock, type Clock } from './domain/clock.js';
import { createEventBus, type EventBus } from './domain/event-bus.js';
import { createOperatorAuth, type OperatorAuth } from './domain/operator-auth.js';
import { createDeviceRegistry, type DeviceRegistry } from './domain/device-registry.js';
import { createMessageDelivery, type MessageDelivery } from './domain/message-delivery.js';
import { createMessageQueue, type MessageQueue } from './domain/message-queue.js';
import { createPushIngest, type PushIngest } from './domain/push-ingest.js';
import type { Store } from './domain/store.js';
import { runRetention } from './domain/retention-job.js';
import { createRollupFolder, type RollupFolder } from './domain/rollup-folder.js';
import { createTrafficRecorder, type TrafficRecorder } from './domain/traffic-recorder.js';
import { createRequestRateLimiter } from './domain/request-rate-limiter.js';
import type { FileContentStore } from './domain/file-content.js';
import { createFileDownloads, type FileDownloads } from './domain/file-downloads.js';
import { createFileLibrary, type FileLibrary } from './domain/file-library.js';
import { createWriteHealth, type WriteHealth, type WriteHealthChange } from './domain/write-health.js';
import { readDiskSpace, type DiskSpaceReport, type WatchedDirectory } from './adapters/disk/free-disk-space.js';
import { startLowDiskWatch } from './adapters/disk/low-disk-watch.js';
import { createRepeatedErrorLog, failureKey, type RepeatedErrorLog } from './adapters/logging/repeated-error-log.js';
import { createEventMetrics, type EventMetrics } from './adapters/metrics/event-metrics.js';
import { createBackgroundFailureReporter } from './adapters/logging/background-failure-log.js';
import { startEventLoopLagSampler } from './adapters/metrics/event-loop-lag.js';
import { registerMetricsRoute } from './adapters/metrics/metrics-route.js';
import { observeRequests } from './adapters/metrics/request-metrics.js';
import { registerScrapeGauges } from './adapters/metrics/scrape-gauges.js';

export interface Services {
  readonly config: Readonly<OpenTpsConfig>;
  readonly store: Store;
  readonly clock: Clock;
  readonly registry: DeviceRegistry;
  readonly queue: MessageQueue;
  readonly pushIngest: PushIngest;
  readonly delivery: MessageDelivery;
  readonly traffic: TrafficRecorder;
  readonly events: EventBus;
  /** Rollups of stored heartbeats, folded at acknowledgement and written once their minute ended (rollup-folder.ts). */
  readonly rollups: RollupFolder;
  /** Stops relaying live events (cluster nodes), writes the rollups still in memory, then commits and closes the store. */
  close(): Promise<void>;
  /** Live events this node could not relay to the other nodes so far (0 when it is not a cluster node). */
  relayDroppedCount(): number;
  readonly auth: OperatorAuth;
  readonly audit: AuditLog;
  /** The private CA of the custom-endpoint kit (files in DATA/ca/, whatever the store). */
  readonly ca: CertificateAuthority;
  /** Files (PROTOCOL.md A7): the managed store, its bytes, and device downloads. */
  readonly files: FileLibrary;
  readonly fileContent: FileContentStore;
  readonly downloads: FileDownloads;
  /** Whether the store's last write committed (see /healthz). */
  readonly writeHealth: WriteHealth;
  /** Free space under the data and files directories, read now, against --min-free-disk-mb. */
  readDiskSpace(): Promise<DiskSpaceReport>;
  /** Counters and histograms moved as things happen, in this server's own registry (GET /metrics). */
  readonly metrics: EventMetrics;
}

/** Where stored files' bytes live: --files-dir, else <data>/files. */
export function filesDirOf(config: Readonly<OpenTpsConfig>): string {
  return config.filesDir ?? join(config.dataDir, 'files');
}

/** Where free space is watched: the data directory, and --files-dir when it is set elsewhere. */
export function watchedDirectoriesOf(config: Readonly<OpenTpsConfig>): WatchedDirectory[] {
  return [{ role: 'data', path: config.dataDir }, ...(config.filesDir === null ? [] : [{ role: 'files' as const, path: config.filesDir }])];
}

const MIB = 1024 * 1024;

/** How often the server checkpoints the WAL off the event loop. */
const BACKGROUND_CHECKPOINT_MS = 1000;
/**
 * Least time between two commits of the server's store when busy (write-batcher.ts): at a fleet's 2,500
 * pushes/s, 2 ms makes commits of ~5 pushes instead of 1-3; a quiet node still commits at the end of the turn.
 */
const MIN_COMMIT_INTERVAL_MS = 2;

/** The store the configuration names: PostgreSQL with --db, else the embedded SQLite store in --data. */
async function openStore(config: Readonly<OpenTpsConfig>, isServer: boolean, writeHealth: WriteHealth, metrics: EventMetrics, logger: Logger | undefined): Promise<Store> {
  const onCommit = metrics.observeCommit;
  const failures = logger ? { reportFailure: createBackgroundFailureReporter(logger, (task) => metrics.backgroundFailures.labels(task).inc()) } : {};
  if (config.db !== null) return openPostgresStore({ connectionString: config.db, maxConnections: config.dbPoolSize, writeHealth, partitionSpanMs: config.telemetryPartitionHours * 3_600_000, onCommit, ...failures });
  // The server runs the store on a thread of its own (sqlite-store-thread.ts); a CLI process in its own.
  const open = isServer ? openSqliteStoreThread : (options: SqliteStoreOptions) => Promise.resolve(openSqliteStore(options));
  return open({
    dataDir: config.dataDir,
    durability: config.durability,
    busyTimeoutMs: 10_000,
    backgroundCheckpointMs: isServer ? BACKGROUND_CHECKPOINT_MS : 0,
    minCommitIntervalMs: isServer ? MIN_COMMIT_INTERVAL_MS : 0,
    writeHealth,
    // The bound needs the background checkpointer; a short CLI process leaves checkpoints to SQLite.
    maxWalBytes: isServer ? config.maxWalMb * 2 ** 20 : 0,
    partitionSpanMs: config.telemetryPartitionHours * 3_600_000,
    onCommit,
    ...failures,
    ...(logger ? { onWalEvent: (event: WalBoundEvent) => {
      metrics.observeWalEvent(event);
      logWalEvent(logger, event);
    } } : {}),
  });
}

/** The WAL files whose size GET /metrics reports: the embedded store's two; none on PostgreSQL. */
function walPathsOf(config: Readonly<OpenTpsConfig>): string[] {
  return config.db !== null ? [] : [SQLITE_FILE_NAME, SQLITE_TRAFFIC_FILE_NAME].map((name) => join(config.dataDir, `${name}-wal`));
}

/** One line per WAL restart (how long writers waited), a warning for each that could not be done. */
function logWalEvent(logger: Logger, event: WalBoundEvent): void {
  const details = { wal: event.walPath, walMb: Math.round(event.walBytes / 2 ** 20), heldMs: Math.round(event.heldMs * 10) / 10 };
  if (event.kind === 'restarted') logger.info({ ...details, checkpointMs: Math.round(event.checkpointMs * 10) / 10 }, 'WAL restarted');
  else logger.warn({ ...details, reason: event.reason }, 'WAL not restarted: it may grow past --max-wal-mb');
}

/**
 * Opens the store and builds every domain service on it (used by the server and the CLI alike).
 * `logger`: where the server reports its store's WAL restarts (see wal-bound.ts).
 */
export async function openServices(config: Readonly<OpenTpsConfig>, clock: Clock = createSystemClock(), isServer = false, logger?: Logger): Promise<Services> {
  const writeHealth = createWriteHealth({ clock });
  const metrics = createEventMetrics();
  const store = await openStore(config, isServer, writeHealth, metrics, logger);
  // A server on PostgreSQL is one node of a cluster: its live events go to the other nodes and theirs come here.
  const relayed = config.db !== null && isServer ? startPostgresEventRelay({ connectionString: config.db, bus: createEventBus() }) : null;
  const events = relayed?.bus ?? createEventBus();
  const fileContent = createDiskFileContent(filesDirOf(config));
  const rollups = createRollupFolder(store, clock.nowMs());
  // One allowance per device for /push and /pull together (PROTOCOL.md Part C: per-device rate limits).
  const deviceRateLimiter = config.deviceRequestsPerMinute === 0 ? undefined : createRequestRateLimiter({ clock, requestsPerMinute: config.deviceRequestsPerMinute });
  return {
    config,
    store,
    clock,
    registry: createDeviceRegistry({ store, clock, generateKey: () => randomBytes(16).toString('hex') }),
    queue: createMessageQueue({
      store,
      clock,
      defaultTtlSeconds: config.messageTtlSeconds,
      maxQueuedPerCwm: config.maxQueuedPerCwm,
      maxOkmBytes: config.maxOkmBytes,
      events,
    }),
    pushIngest: createPushIngest({ store, clock, authMode: config.authMode, maxOkmBytes: config.maxOkmBytes, events, deviceRateLimiter, rollups }),
    delivery: createMessageDelivery({ store, clock, authMode: config.authMode, deliveryLeaseMs: config.deliveryLeaseMs, events, deviceRateLimiter, defaultTimeZone: config.timeZone }),
    traffic: createTrafficRecorder({ store, keepPerDevice: config.trafficPerDevice }),
    events,
    rollups,
    async close() {
      await relayed?.relay.close();
      await rollups.flush(clock.nowMs(), true).catch((error: unknown) => logger?.error({ err: error }, 'writing the last rollups failed'));
      await store.close();
    },
    relayDroppedCount: () => relayed?.relay.droppedCount ?? 0,
    auth: createOperatorAuth({ store, clock }),
    audit: createAuditLog({ store, clock }),
    ca: openCertificateAuthority(config.dataDir, clock),
    files: createFileLibrary({ store, content: fileContent, clock, maxFileBytes: config.maxFileBytes }),
    fileContent,
    downloads: createFileDownloads({
      store,
      authMode: config.authMode,
      requireSignature: config.filesRequireSignature,
      limiter: createRequestRateLimiter({ clock, requestsPerMinute: config.fileRequestsPerMinute }),
    }),
    writeHealth,
    readDiskSpace: () => readDiskSpace(watchedDirectoriesOf(config), config.minFreeDiskMb * MIB),
    metrics,
  };
}

/** The CA in DATA/ca/; serials are 127 random bits, positive, never starting with a zero byte. */
export function openCertificateAuthority(dataDir: string, clock: Clock): CertificateAuthority {
  return createCertificateAuthority({
    vault: openCaDirectory(join(dataDir, 'ca')),
    minter: createX509Minter(),
    clock,
    newSerial: () => {
      const bytes = randomBytes(16);
      bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x70);
      return bytes.toString('hex').toUpperCase();
    },
  });
}

export function createLogger(config: Readonly<OpenTpsConfig>): Logger {
  return pino({ level: config.logLevel, base: { service: 'opentps' } });
}

/** A failure repeating with every request is logged once per this interval, with a count. */
const FAILURE_LOG_INTERVAL_MS = 10_000;

/**
 * One line when writes begin to fail and one when they work again, whatever the number of requests; on a
 * nearly full disk, where some commits pass and others fail, the pair is logged once per interval with counts.
 */
function logWriteHealthChange(failureLog: RepeatedErrorLog, change: WriteHealthChange): void {
  const { failure } = change;
  if (change.kind === 'failing') {
    failureLog.report(
      'error',
      `store writes failing ${failure.reason}`,
      { reason: failure.reason, since: new Date(failure.sinceMs).toISOString() },
      `store writes failing (${failure.reason}): devices get 503 ERR_STORE_UNAVAILABLE and /healthz answers 503 until a write commits`,
    );
    return;
  }
  // The numbers go in fields, not the text: a count line repeats the text of the line it counts.
  failureLog.report(
    'info',
    `store writes commit again ${failure.reason}`,
    { reason: failure.reason, failedWrites: failure.failedCount, failingForMs: change.atMs - failure.sinceMs },
    `store writes commit again (after ${failure.reason})`,
  );
}


/** Builds the app (device routes and admin API) for the services (no port opened). */
export function buildApp(services: Services, logger: Logger, tls: TlsIdentity | null): DeviceApp {
  const { config } = services;
  const failureLog = createRepeatedErrorLog({ logger, intervalMs: FAILURE_LOG_INTERVAL_MS });
  const deviceApp = buildDeviceApp({
    failureLog,
    store: services.store,
    clock: services.clock,
    pushIngest: services.pushIngest,
    delivery: services.delivery,
    traffic: services.traffic,
    logger,
    tls: tls ?? undefined,
    clientAuth: createClientAuthGate(services, tls),
    limits: {
      maxBodyBytes: config.maxBodyBytes,
      maxQueryBytes: config.maxQueryBytes,
      maxInflightRequests: config.maxInflightRequests,
      maxPendingWrites: config.maxPendingWrites,
      retryAfterSeconds: config.retryAfterSeconds,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      defaultTimeZone: config.timeZone,
      trustedProxies: config.trustedProxies,
      tlsHandshakeTimeoutMs: config.tlsHandshakeTimeoutMs,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    },
    files: { downloads: services.downloads, content: services.fileContent, clock: services.clock },
  });
  // Before the admin API is registered, so that its requests are counted as well.
  observeRequests(deviceApp.app, services.metrics);
  registerScrapeGauges(services.metrics.registry, {
    census: services.store,
    clock: services.clock,
    pendingWriteCount: () => services.store.pendingWriteCount,
    inflightDeviceRequests: deviceApp.inflightCount,
    walPaths: walPathsOf(config),
  });
  registerMetricsRoute(deviceApp.app, { registry: services.metrics.registry, token: config.metricsToken });
  const lagSampler = startEventLoopLagSampler((lagSeconds) => services.metrics.eventLoopLag.observe(lagSeconds));
  registerAdminApi(deviceApp.app, { ...services, failureLog });
  registerPullformRoute(deviceApp.app, services);
  registerHealthRoute(deviceApp.app, { store: services.store, writeHealth: services.writeHealth, retryAfterSeconds: config.retryAfterSeconds, failureLog });
  const stopLoggingWriteHealth = services.writeHealth.onChange((change) => logWriteHealthChange(failureLog, change));
  // Counts still pending are logged before the process ends.
  deviceApp.app.addHook('onClose', async () => {
    lagSampler.stop();
    stopLoggingWriteHealth();
    failureLog.close();
  });
  registerConsoleStatic(deviceApp.app, CONSOLE_DIST_DIR);
  return deviceApp;
}

/** Mutual TLS as configured (--client-auth), following the CA as it is created or changed while running. */
export function createClientAuthGate(services: Services, tls: TlsIdentity | null): ClientAuthGate {
  const { config, ca } = services;
  return {
    isRequestingCertificates: tls !== null && config.clientAuth !== 'none',
    rootCertificatePem: () => ca.rootCertificatePem(),
    mode: () => effectiveClientAuthMode(config.clientAuth, ca.exists()),
    isRevoked: (serial) => ca.isRevoked(serial),
  };
}

/** The certificate to serve: --cert/--key, else the CA's server certificate, else the self-signed one. */
async function resolveTlsIdentity(config: Readonly<OpenTpsConfig>, services: Services): Promise<TlsIdentity | null> {
  if (config.isPlainHttp) return null;
  if (config.certFile !== null && config.keyFile !== null) return loadTlsIdentity(config.certFile, config.keyFile);
  const fromCa = services.ca.serverIdentity();
  if (fromCa !== null) {
    const serial = services.ca.status().serverCertificate?.serial ?? '';
    return describeTlsIdentity(fromCa.certPem, fromCa.keyPem, `${join(config.dataDir, 'ca', 'issued', `${serial}-cert.pem`)} (our CA's server certificate)`);
  }
  return ensureSelfSignedIdentity(config.dataDir, config.certNames);
}

/** How often a running server looks for CA changes (a new server certificate, a new CA) made by the CLI or console. */
const CA_RELOAD_CHECK_MS = 1000;

/**
 * On first start (no operator yet) creates the operator `admin`: with OPENTPS_ADMIN_PASSWORD, or with a
 * generated password written once to standard error (never to the log).
 */
export async function ensureFirstOperator(services: Services, writeOnce: (line: string) => void): Promise<void> {
  if ((await services.store.countOperators()) > 0) return;
  const password = services.config.adminPassword ?? randomBytes(18).toString('base64url');
  try {
    await services.auth.addOperator('admin', password);
  } catch (error) {
    // Several nodes starting together on one PostgreSQL: another node created it first.
    if (isOpenTpsError(error, 'ERR_OPERATOR_EXISTS')) return;
    throw error;
  }
  await services.audit.record('system', 'operator.add', 'admin', { generatedPassword: services.config.adminPassword === null });
  if (services.config.adminPassword === null) {
    writeOnce(`OpenTPS created the operator "admin" with the password ${password}
  (shown once: keep it, or add another operator with \`opentps admin add <name>\`)`);
  }
}

/** The console built by `npm run build:web` (never committed). */
export const CONSOLE_DIST_DIR = join(import.meta.dirname, '..', 'web', 'dist');

export interface RunningServer {
  readonly url: string;
  readonly tls: TlsIdentity | null;
  /** The client-certificate mode in force now (it follows the CA when --client-auth is auto). */
  readonly clientAuthMode: () => ClientAuthMode;
  /** Graceful stop: refuse new requests, finish in-flight ones, commit, close the store. */
  stop(): Promise<void>;
}

const EXPIRY_SWEEP_MS = 60_000;
const ABANDONED_UPLOAD_MS = 3_600_000;
const RELAY_REPORT_MS = 60_000;
const RETENTION_INTERVAL_MS = 3_600_000;
/** How often the rollup minutes that ended are written. */
const ROLLUP_FLUSH_MS = 5_000;
/**
 * While writes fail, a write that changes nothing is tried this often: a node that /healthz took out of
 * rotation gets no device writes that could tell it the disk has room again.
 */
const WRITE_PROBE_MS = 1000;
/** How often free space is checked against --min-free-disk-mb (one statfs per directory). */
const DISK_CHECK_MS = 5000;

/** Probes the store while its writes fail, so that it is found writable again without device traffic. */
function startWriteProbe(services: Services): NodeJS.Timeout {
  let isProbing = false;
  const timer = setInterval(() => {
    if (services.writeHealth.failure === null || isProbing) return;
    isProbing = true;
    services.store
      .probeWrite()
      // A failed probe is already counted by WriteHealth (and logged once per change): nothing more to do.
      .catch(() => undefined)
      .finally(() => {
        isProbing = false;
      });
  }, WRITE_PROBE_MS);
  timer.unref();
  return timer;
}

/** Opens everything and listens. */
export async function startServer(config: Readonly<OpenTpsConfig>, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const services = await openServices(config, createSystemClock(), true, logger);
  let tls: TlsIdentity | null;
  try {
    tls = await resolveTlsIdentity(config, services);
  } catch (error) {
    await services.close();
    throw error;
  }
  await ensureFirstOperator(services, (line) => process.stderr.write(`${line}\n`));
  const deviceApp = buildApp(services, logger, tls);
  const sweeper = setInterval(() => {
    services.store.expireMessages(services.clock.nowMs()).catch((error: unknown) => logger.error({ err: error }, 'expiring messages failed'));
  }, EXPIRY_SWEEP_MS);
  sweeper.unref();
  // OKM partitions past retention are dropped and the next ones made, and finished messages, audit entries
  // and download part rows are removed, at start and hourly (retention-job.ts).
  const retain = (): void => {
    runRetention({ store: services.store, clock: services.clock, settings: config })
      .then((report) => {
        if (report.telemetryPartitions + report.rollupRows + report.messages + report.auditEntries + report.transferRows > 0) logger.info({ removed: report }, 'retention removed old rows');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'retention failed'));
  };
  retain();
  const retentionTimer = setInterval(retain, RETENTION_INTERVAL_MS);
  retentionTimer.unref();
  // Rollups: the minutes that ended are written every few seconds; a failure (a full disk) is logged once per
  // interval with a count, and the statistics wait in memory for the next try.
  const rollupFailureLog = createRepeatedErrorLog({ logger, intervalMs: FAILURE_LOG_INTERVAL_MS });
  const rollupTimer = setInterval(() => {
    services.rollups.flush(services.clock.nowMs()).catch((error: unknown) => {
      rollupFailureLog.report('error', failureKey('writing rollups', error), { err: error, pendingBuckets: services.rollups.pendingBuckets, droppedBuckets: services.rollups.droppedBuckets }, 'writing rollups failed');
    });
  }, ROLLUP_FLUSH_MS);
  rollupTimer.unref();
  // Relaying live events is best effort: say so in the log when some were dropped (a console on another
  // node then misses them; nothing stored is affected).
  let reportedDrops = 0;
  const relayWatch = setInterval(() => {
    const dropped = services.relayDroppedCount();
    if (dropped > reportedDrops) logger.warn({ dropped: dropped - reportedDrops, total: dropped }, 'live events not relayed to the other nodes');
    reportedDrops = dropped;
  }, RELAY_REPORT_MS);
  relayWatch.unref();
  // Uploads cut short by a crash leave a temporary file; an hour without a write means nobody is writing it.
  services.fileContent
    .removeAbandonedUploads(Date.now() - ABANDONED_UPLOAD_MS)
    .then((count) => count > 0 && logger.warn({ count }, 'removed temporary files of abandoned uploads'))
    .catch((error: unknown) => logger.error({ err: error }, 'cleaning abandoned uploads failed'));
  const caWatcher = watchCertificateAuthority(services, deviceApp, tls, logger);
  const writeProbe = startWriteProbe(services);
  const diskWatch = config.minFreeDiskMb === 0 ? null : startLowDiskWatch({ read: () => services.readDiskSpace(), intervalMs: DISK_CHECK_MS, logger });
  const stopWatches = (): void => {
    clearInterval(writeProbe);
    diskWatch?.stop();
  };
  try {
    await deviceApp.app.listen({
      host: config.host,
      port: config.port,
      // Fastify names every address http:// (it cannot see that serverFactory built an HTTPS server).
      listenTextResolver: (address) => `device endpoints bound to ${tls ? address.replace(/^http:/, 'https:') : address}`,
    });
  } catch (error) {
    clearInterval(sweeper);
    clearInterval(caWatcher);
    clearInterval(relayWatch);
    clearInterval(retentionTimer);
    clearInterval(rollupTimer);
    rollupFailureLog.close();
    stopWatches();
    await services.close();
    throw error;
  }
  const address = deviceApp.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `${tls ? 'https' : 'http'}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  let stopping: Promise<void> | null = null;
  return {
    url,
    tls,
    clientAuthMode: () => effectiveClientAuthMode(config.clientAuth, services.ca.exists()),
    stop() {
      stopping ??= (async () => {
        clearInterval(sweeper);
        clearInterval(caWatcher);
        clearInterval(relayWatch);
        clearInterval(retentionTimer);
        clearInterval(rollupTimer);
    rollupFailureLog.close();
    clearInterval(rollupTimer);
    rollupFailureLog.close();
        stopWatches();
        deviceApp.beginShutdown();
        const closing = deviceApp.app.close();
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs).unref());
        if ((await Promise.race([closing.then(() => 'closed' as const), timeout])) === 'timeout') {
          logger.warn({ inflight: deviceApp.inflightCount() }, 'shutdown timeout: closing remaining connections');
          deviceApp.app.server.closeAllConnections();
        }
        await services.close();
      })();
      return stopping;
    },
  };
}

/**
 * Follows the CA files: when `opentps ca ...` (or the console) creates the CA or a server certificate,
 * new TLS connections get it within CA_RELOAD_CHECK_MS, without a restart. --cert/--key are never replaced.
 */
function watchCertificateAuthority(services: Services, deviceApp: DeviceApp, tls: TlsIdentity | null, logger: Logger): NodeJS.Timeout {
  const { config, ca } = services;
  let lastStamp = ca.changeStamp();
  const timer = setInterval(() => {
    const stamp = ca.changeStamp();
    if (stamp === lastStamp || tls === null) return;
    lastStamp = stamp;
    try {
      const isOperatorIdentity = config.certFile !== null;
      const fromCa = isOperatorIdentity ? null : ca.serverIdentity();
      const identity = fromCa ?? { certPem: tls.certPem, keyPem: tls.keyPem };
      deviceApp.updateTlsContext({ ...identity, clientCaPem: ca.rootCertificatePem() });
      logger.info(
        { certificate: fromCa !== null ? 'our CA server certificate' : tls.source, clientAuth: effectiveClientAuthMode(config.clientAuth, ca.exists()) },
        'certificate authority changed: TLS settings reloaded for new connections',
      );
    } catch (error) {
      logger.error({ err: error }, 'reloading the TLS settings after a CA change failed; keeping the previous ones');
    }
  }, CA_RELOAD_CHECK_MS);
  timer.unref();
  return timer;
}
