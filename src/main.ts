// The composition root: the only place that wires OpenTPS together (configuration -> store -> domain
// services -> transports -> periodic jobs). It decides what is built from what; each piece's behaviour lives
// in its own file (src/runtime/ for what a running server does besides answering requests). Building the app
// and listening are separate, so tests can drive the app without an open port.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { registerAdminApi } from './adapters/admin-api/admin-api.js';
import { registerConsoleStatic } from './adapters/console-http/console-static.js';
import { registerPullformRoute } from './adapters/console-http/pullform-route.js';
import { registerHealthRoute } from './adapters/device-http/health-route.js';
import { buildDeviceApp, type ClientAuthGate, type DeviceApp } from './adapters/device-http/device-app.js';
import { readDiskSpace } from './adapters/disk/free-disk-space.js';
import { createRepeatedErrorLog, failureKey } from './adapters/logging/repeated-error-log.js';
import { logWriteHealthChange } from './adapters/logging/write-health-log.js';
import { createEventMetrics } from './adapters/metrics/event-metrics.js';
import { startEventLoopLagSampler } from './adapters/metrics/event-loop-lag.js';
import { registerMetricsRoute } from './adapters/metrics/metrics-route.js';
import { observeRequests } from './adapters/metrics/request-metrics.js';
import { registerScrapeGauges } from './adapters/metrics/scrape-gauges.js';
import { createDiskFileContent } from './adapters/storage/files/disk-file-content.js';
import { startPostgresEventRelay } from './adapters/storage/postgres/postgres-event-relay.js';
import { openCaDirectory } from './adapters/tls/ca-directory.js';
import type { TlsIdentity } from './adapters/tls/self-signed-certificate.js';
import { createX509Minter } from './adapters/tls/x509-minter.js';
import type { OpenTpsConfig } from './config/config-schema.js';
import { createAuditLog } from './domain/audit-log.js';
import { createModelCatalog } from './domain/equipment-model/model-catalog.js';
import { createMismatchCounter } from './domain/equipment-model/mismatch-counter.js';
import { createEquipmentDirectory } from './domain/equipment/equipment-directory.js';
import { createGatewayMacRecorder } from './domain/sites/gateway-mac-recorder.js';
import { createSiteDirectory } from './domain/sites/site-directory.js';
import { createAlertRuleDirectory } from './domain/alerts/alert-rule-directory.js';
import { createChannelDirectory } from './domain/alerts/channel-directory.js';
import { createSilenceDirectory } from './domain/alerts/silence-directory.js';
import { newWebhookSecret } from './adapters/notifications/webhook-signature.js';
import { createBackgroundFailureReporter, createStderrFailureReporter } from './adapters/logging/background-failure-log.js';
import { createCertificateAuthority, type CertificateAuthority } from './domain/certificate-authority.js';
import { effectiveClientAuthMode, type ClientAuthMode } from './domain/client-auth-mode.js';
import { createSystemClock, type Clock } from './domain/clock.js';
import { createDeviceDirectory } from './domain/device-directory.js';
import { createDeviceRegistry } from './domain/device-registry.js';
import { createEventBus } from './domain/event-bus.js';
import { createFileDownloads } from './domain/file-downloads.js';
import { createFleetOverview } from './domain/fleet-overview.js';
import { createFileLibrary } from './domain/file-library.js';
import { createMessageDelivery } from './domain/message-delivery.js';
import { createMessageQueue } from './domain/message-queue.js';
import { createMessageWatch } from './domain/message-watch.js';
import { createOperatorAuth } from './domain/operator-auth.js';
import { createPushIngest } from './domain/push-ingest.js';
import { createRequestRateLimiter } from './domain/request-rate-limiter.js';
import { createRollupFolder } from './domain/rollup-folder.js';
import { createTelemetryReader } from './domain/telemetry-reader.js';
import { createTrafficLog } from './domain/traffic-log.js';
import { createTrafficRecorder } from './domain/traffic-recorder.js';
import { createTransferReport } from './domain/transfer-report.js';
import { createWriteHealth } from './domain/write-health.js';
import { createCaReloadJob } from './runtime/ca-reload-job.js';
import { newCaSerial } from './runtime/ca-serial.js';
import { formatDisplayUrl } from './runtime/display-url.js';
import { ensureFirstOperator } from './runtime/first-operator.js';
import { createShutdown, unrefDelay } from './runtime/graceful-shutdown.js';
import { startJobs, systemIntervals } from './runtime/periodic-jobs.js';
import { createAlertServices } from './runtime/alert-services.js';
import { createServerJobs } from './runtime/server-jobs.js';
import { filesDirOf, watchedDirectoriesOf, type Services } from './runtime/services.js';
import { openStore, walPathsOf, type StoreUser } from './runtime/store-opening.js';
import { chooseTlsIdentity } from './runtime/tls-identity-choice.js';

export type { Services } from './runtime/services.js';

const MIB = 1024 * 1024;
/** A failure repeating with every request (or every run of a job) is logged once per this interval, with a count. */
const FAILURE_LOG_INTERVAL_MS = 10_000;
/** Uploads cut short by a crash leave a temporary file; an hour without a write means nobody is writing it. */
const ABANDONED_UPLOAD_MS = 3_600_000;

export interface OpenServicesOptions {
  /** The system clock when absent. */
  readonly clock?: Clock;
  /** A server runs the SQLite store on its own thread and relays live events between cluster nodes; a command does neither. */
  readonly user?: StoreUser;
  /** Where the server reports its store's WAL restarts (see wal-bound.ts) and the last rollups' failure. */
  readonly logger?: Logger;
}

/**
 * Opens the store and builds every domain service on it (used by the server and the CLI alike).
 * @example
 * const services = await openServices(config, { user: 'server', logger });
 */
export async function openServices(config: Readonly<OpenTpsConfig>, options: OpenServicesOptions = {}): Promise<Services> {
  const { clock = createSystemClock(), user = 'command', logger } = options;
  const writeHealth = createWriteHealth({ clock });
  const metrics = createEventMetrics();
  const store = await openStore({ config, user, writeHealth, metrics, logger });
  // A server on PostgreSQL is one node of a cluster: its live events go to the other nodes and theirs come here.
  const relayed = config.db !== null && user === 'server' ? startPostgresEventRelay({ connectionString: config.db, bus: createEventBus() }) : null;
  const events = relayed?.bus ?? createEventBus();
  const fileContent = createDiskFileContent(filesDirOf(config));
  const rollups = createRollupFolder(store, clock.nowMs());
  const audit = createAuditLog({ store, clock });
  const modelCatalog = createModelCatalog({ store, audit, clock });
  const mismatchCounter = createMismatchCounter({ modelsById: () => modelCatalog.peekModels(), onMismatch: (modelId) => metrics.heartbeatMismatches.labels(modelId).inc() });
  const reportFailure = logger ? createBackgroundFailureReporter(logger, (task) => metrics.backgroundFailures.labels(task).inc()) : createStderrFailureReporter();
  const gatewayMacs = createGatewayMacRecorder({ store, clock, reportFailure });
  const alerts = createAlertServices({ config, store, clock, modelCatalog, reportFailure, logger, metrics, events });
  if (user === 'server') {
    await modelCatalog.installBuiltins();
    await modelCatalog.modelsById();
  }
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
    pushIngest: createPushIngest({ store, clock, authMode: config.authMode, maxOkmBytes: config.maxOkmBytes, events, deviceRateLimiter, rollups, mismatches: mismatchCounter, gatewayMacs, alerts: alerts.engine }),
    delivery: createMessageDelivery({ store, clock, authMode: config.authMode, deliveryLeaseMs: config.deliveryLeaseMs, events, deviceRateLimiter, defaultTimeZone: config.timeZone, gatewayMacs }),
    traffic: createTrafficRecorder({ store, keepPerDevice: config.trafficPerDevice }),
    events,
    rollups,
    async close() {
      await relayed?.relay.close();
      await rollups.flushAll().catch((error: unknown) => logger?.error({ err: error }, 'writing the last rollups failed'));
      await gatewayMacs.settle();
      await alerts.engine.settle();
      await store.close();
    },
    relayDroppedCount: () => relayed?.relay.droppedCount ?? 0,
    auth: createOperatorAuth({ store, clock }),
    audit,
    modelCatalog,
    mismatchCounter,
    gatewayMacs,
    alerts,
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

/** The CA in DATA/ca/, with serials as ca-serial.ts makes them. */
export function openCertificateAuthority(dataDir: string, clock: Clock): CertificateAuthority {
  return createCertificateAuthority({ vault: openCaDirectory(join(dataDir, 'ca')), minter: createX509Minter(), clock, newSerial: () => newCaSerial() });
}

/** Builds the app (device routes and admin API) for the services (no port opened). */
export function buildApp(services: Services, logger: Logger, tls: TlsIdentity | null): DeviceApp {
  const { config } = services;
  const failureLog = createRepeatedErrorLog({ logger, intervalMs: FAILURE_LOG_INTERVAL_MS });
  const deviceApp = buildDeviceApp({
    failureLog,
    countFailure: (task) => services.metrics.backgroundFailures.labels(task).inc(),
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
    alerts: services.alerts.engine,
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
  const { store, clock, rollups, events, files } = services;
  registerAdminApi(deviceApp.app, {
    ...services,
    failureLog,
    fleetOverview: createFleetOverview({ store, clock, rollups }),
    deviceDirectory: createDeviceDirectory({ store, clock }),
    telemetryReader: createTelemetryReader({ store, clock, rollups, minuteRollupRetentionDays: config.minuteRollupRetentionDays }),
    messageWatch: createMessageWatch({ store, events }),
    trafficLog: createTrafficLog({ store }),
    transferReport: createTransferReport({ store, files, clock, stallAfterMs: config.transferStallAfterS * 1000 }),
    equipmentDirectory: createEquipmentDirectory({ store, catalog: services.modelCatalog, mismatches: services.mismatchCounter, clock }),
    siteDirectory: createSiteDirectory({ store, clock }),
    alertRules: createAlertRuleDirectory({ store, catalog: services.modelCatalog, listener: services.alerts.rulesListener, clock }),
    alertPreviewer: services.alerts.previewer,
    silenceDirectory: createSilenceDirectory({ store, clock }),
    channelDirectory: createChannelDirectory({ store, newSecret: newWebhookSecret, clock }),
    alertStore: store,
    tagStore: store,
    equipmentStore: store,
    registryStore: store,
  });
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

/** The console built by `npm run build:web` (never committed): web/dist/ next to src/, and next to dist/ for the compiled main.js. */
export const CONSOLE_DIST_DIR = join(import.meta.dirname, '..', 'web', 'dist');

export interface RunningServer {
  readonly url: string;
  readonly tls: TlsIdentity | null;
  /** The client-certificate mode in force now (it follows the CA when --client-auth is auto). */
  readonly clientAuthMode: () => ClientAuthMode;
  /** Graceful stop: refuse new requests, finish in-flight ones, commit, close the store (graceful-shutdown.ts). */
  stop(): Promise<void>;
}

/** Opens everything, starts the periodic jobs and listens. */
export async function startServer(config: Readonly<OpenTpsConfig>, logger: Logger): Promise<RunningServer> {
  const services = await openServices(config, { user: 'server', logger });
  let tls: TlsIdentity | null;
  try {
    tls = await chooseTlsIdentity(config, services.ca);
  } catch (error) {
    await services.close();
    throw error;
  }
  await ensureFirstOperator({
    store: services.store,
    auth: services.auth,
    audit: services.audit,
    adminPassword: config.adminPassword,
    showOnce: (text) => process.stderr.write(`${text}\n`),
  });
  // Rules, open alerts and the CWMs' rhythms are loaded before the first device request is answered.
  try {
    await services.alerts.engine.start();
  } catch (error) {
    await services.close();
    throw error;
  }
  const deviceApp = buildApp(services, logger, tls);
  services.fileContent
    .removeAbandonedUploads(services.clock.nowMs() - ABANDONED_UPLOAD_MS)
    .then((count) => count > 0 && logger.warn({ count }, 'removed temporary files of abandoned uploads'))
    .catch((error: unknown) => {
      services.metrics.backgroundFailures.labels('abandoned-upload-cleanup').inc();
      logger.error({ err: error, filesDir: filesDirOf(config) }, 'cleaning abandoned uploads failed');
    });
  // A job failing at every run (a full disk) is logged once per interval with a count, and counted per job
  // in opentps_background_failures_total{task="job:<name>"} (every job's series starts at 0).
  const jobFailureLog = createRepeatedErrorLog({ logger, intervalMs: FAILURE_LOG_INTERVAL_MS });
  const serverJobs = [...createServerJobs({ services, logger }), ...services.alerts.jobs(), createCaReloadJob({ config, ca: services.ca, tls, updateTlsContext: deviceApp.updateTlsContext, logger })];
  for (const job of serverJobs) services.metrics.backgroundFailures.labels(`job:${job.name}`).inc(0);
  const jobs = startJobs(serverJobs, {
    scheduler: systemIntervals,
    reportFailure: (failure) => {
      services.metrics.backgroundFailures.labels(`job:${failure.job}`).inc();
      jobFailureLog.report('error', failureKey(failure.message, failure.error), { err: failure.error, job: failure.job, failures: failure.failureCount, ...failure.fields }, failure.message);
    },
  });
  const stop = createShutdown({
    jobs: {
      async stop() {
        await jobs.stop();
        jobFailureLog.close();
      },
    },
    server: {
      beginShutdown: deviceApp.beginShutdown,
      close: () => deviceApp.app.close(),
      closeAllConnections: () => deviceApp.app.server.closeAllConnections(),
      inflightCount: deviceApp.inflightCount,
    },
    closeServices: () => services.close(),
    timeoutMs: config.shutdownTimeoutMs,
    delay: unrefDelay,
    logger,
  });
  try {
    await deviceApp.app.listen({
      host: config.host,
      port: config.port,
      // Fastify names every address http:// (it cannot see that serverFactory built an HTTPS server).
      listenTextResolver: (address) => `device endpoints bound to ${tls ? address.replace(/^http:/, 'https:') : address}`,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const address = deviceApp.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  return {
    url: formatDisplayUrl({ host: config.host, port, isTls: tls !== null }),
    tls,
    clientAuthMode: () => effectiveClientAuthMode(config.clientAuth, services.ca.exists()),
    stop,
  };
}
