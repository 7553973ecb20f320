// The periodic jobs of a running server (started by startJobs in main.ts): what each does and how often.

import { createLowDiskCheck } from '../adapters/disk/low-disk-check.js';
import { runRetention } from '../domain/retention-job.js';
import type { PeriodicJob } from './periodic-jobs.js';
import type { Services } from './services.js';

const EXPIRY_SWEEP_MS = 60_000;
const RETENTION_INTERVAL_MS = 3_600_000;
/** How often the rollup minutes that ended are written. */
const ROLLUP_FLUSH_MS = 5_000;
const RELAY_REPORT_MS = 60_000;
/**
 * While writes fail, a write that changes nothing is tried this often: a node that /healthz took out of
 * rotation gets no device writes that could tell it the disk has room again.
 */
const WRITE_PROBE_MS = 1000;
/** How often free space is checked against --min-free-disk-mb (one statfs per directory). */
const DISK_CHECK_MS = 5000;

export interface ServerJobsLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ServerJobsDeps {
  readonly services: Services;
  readonly logger: ServerJobsLogger;
}

/** Queued messages past their TTL become expired. */
function expiryJob({ services }: ServerJobsDeps): PeriodicJob {
  return {
    name: 'expire-messages',
    intervalMs: EXPIRY_SWEEP_MS,
    failureMessage: 'expiring messages failed',
    run: async () => void (await services.store.expireMessages(services.clock.nowMs())),
  };
}

/**
 * OKM partitions past retention are dropped and the next ones made, and finished messages, audit entries and
 * download part rows are removed, at start and hourly (retention-job.ts).
 */
function retentionJob({ services, logger }: ServerJobsDeps): PeriodicJob {
  return {
    name: 'retention',
    intervalMs: RETENTION_INTERVAL_MS,
    isRunAtStart: true,
    failureMessage: 'retention failed',
    async run() {
      const report = await runRetention({ store: services.store, clock: services.clock, settings: services.config });
      if (report.telemetryPartitions + report.rollupRows + report.messages + report.auditEntries + report.transferRows > 0) logger.info({ removed: report }, 'retention removed old rows');
    },
  };
}

/** The rollup minutes that ended are written; after a failure (a full disk) they wait in memory for the next run. */
function rollupFlushJob({ services }: ServerJobsDeps): PeriodicJob {
  return {
    name: 'rollup-flush',
    intervalMs: ROLLUP_FLUSH_MS,
    failureMessage: 'writing rollups failed',
    describeFailure: () => ({ pendingBuckets: services.rollups.pendingBuckets, droppedBuckets: services.rollups.droppedBuckets }),
    run: async () => void (await services.rollups.flush(services.clock.nowMs())),
  };
}

/**
 * Relaying live events is best effort: the log says so when some were dropped (a console on another node
 * then misses them; nothing stored is affected).
 */
function relayReportJob({ services, logger }: ServerJobsDeps): PeriodicJob {
  let reportedDrops = 0;
  return {
    name: 'relay-report',
    intervalMs: RELAY_REPORT_MS,
    failureMessage: 'reporting dropped live events failed',
    run() {
      const dropped = services.relayDroppedCount();
      if (dropped > reportedDrops) logger.warn({ dropped: dropped - reportedDrops, total: dropped }, 'live events not relayed to the other nodes');
      reportedDrops = dropped;
    },
  };
}

/** Probes the store while its writes fail, so that it is found writable again without device traffic. */
function writeProbeJob({ services }: ServerJobsDeps): PeriodicJob {
  return {
    name: 'write-probe',
    intervalMs: WRITE_PROBE_MS,
    failureMessage: 'probing the store failed',
    async run() {
      if (services.writeHealth.failure === null) return;
      // A failed probe is already counted by WriteHealth (and logged once per change): nothing more to report.
      await services.store.probeWrite().catch(() => undefined);
    },
  };
}

/** Free space under --data and --files-dir against --min-free-disk-mb, at start and every few seconds (0: off). */
function lowDiskJobs({ services, logger }: ServerJobsDeps): PeriodicJob[] {
  if (services.config.minFreeDiskMb === 0) return [];
  return [{
    name: 'low-disk-check',
    intervalMs: DISK_CHECK_MS,
    isRunAtStart: true,
    failureMessage: 'checking free disk space failed',
    run: createLowDiskCheck({ read: () => services.readDiskSpace(), logger }),
  }];
}

/** Every periodic job of a server but the CA reload (which needs the listening app: ca-reload-job.ts). */
export function createServerJobs(deps: ServerJobsDeps): PeriodicJob[] {
  return [expiryJob(deps), retentionJob(deps), rollupFlushJob(deps), relayReportJob(deps), writeProbeJob(deps), ...lowDiskJobs(deps)];
}
