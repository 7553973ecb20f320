// The counters and histograms OpenTPS moves as things happen: requests answered, OKMs stored, refusals,
// group commits, WAL restarts, event-loop lag. Each server has its own registry (never prom-client's
// global one), so that several servers can run in one process, as the tests do.

import { basename } from 'node:path';
import { Counter, Histogram, Registry } from 'prom-client';
import type { SignatureVerdict } from '../../domain/request-observation.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors.js';
import type { CrcVerdict } from '../../protocol/okm-crc.js';
import type { SettledBatch } from '../storage/commit-observer.js';
import type { WalBoundEvent } from '../storage/sqlite/wal-bound.js';
import { createBackgroundFailureCounter } from './background-failures.js';

/** Seconds, from 1 ms (a push committed in the same event-loop turn) to 10 s (a client near --request-timeout-ms). */
const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Writes per group commit, up to the embedded store's 2,000 per batch. */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];
/** Event-loop delay, from one timer resolution (10 ms) to a stall no device would wait out. */
const LAG_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Verdicts that mean an OKM's CRC did not check out. */
export const CRC_FAILURES: readonly CrcVerdict[] = ['missing', 'mismatch', 'malformed'];
/** Verdicts that mean a request's HMAC did not check out (in `open` mode the request is still taken). */
export const SIGNATURE_FAILURES: readonly SignatureVerdict[] = ['missing', 'malformed', 'invalid'];
/** Every code a device may be answered 503 with. */
export const UNAVAILABLE_CODES = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter((code) => ERROR_CATALOGUE[code].status === 503);

export interface EventMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly pushDuration: Histogram;
  readonly okmsStored: Counter;
  readonly okmDuplicates: Counter;
  readonly crcFailures: Counter<'verdict'>;
  readonly signatureFailures: Counter<'verdict'>;
  readonly shedRequests: Counter<'code'>;
  readonly eventLoopLag: Histogram;
  /** opentps_background_failures_total{task} (background-failures.ts). */
  readonly backgroundFailures: Counter<'task'>;
  /** Heartbeat values that did not fit their dictionary field, by model (mismatch-counter.ts). */
  readonly heartbeatMismatches: Counter<'model'>;
  /** Alert changes this node made (issue 16), by the state the alert went to. */
  readonly alertTransitions: Counter<'state'>;
  /** Notification delivery attempts of this node, by channel kind and outcome. */
  readonly notificationAttempts: Counter<'kind' | 'outcome'>;
  /** For the store's onCommit (commit-observer.ts). */
  observeCommit(batch: SettledBatch): void;
  /** For the embedded store's onWalEvent (wal-bound.ts). */
  observeWalEvent(event: WalBoundEvent): void;
}

export function createEventMetrics(): EventMetrics {
  const registry = new Registry();
  const registers = [registry];
  // Created in the order they are exposed.
  const requests = new Counter({
    name: 'opentps_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern ((unmatched) when no route matched) and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const pushDuration = new Histogram({
    name: 'opentps_push_duration_seconds',
    help: 'Time from receiving a /push to answering it, for pushes answered 200 (the OKM stored durably, or known as a duplicate).',
    buckets: LATENCY_BUCKETS_S,
    registers,
  });
  const okmsStored = new Counter({ name: 'opentps_okms_stored_total', help: 'OKMs stored from /push (duplicates not included).', registers });
  const okmDuplicates = new Counter({
    name: 'opentps_okm_duplicates_total',
    help: 'Pushed OKMs recognised as already stored (PROTOCOL.md A3): acknowledged, not stored again.',
    registers,
  });
  const crcFailures = new Counter({
    name: 'opentps_okm_crc_failures_total',
    help: 'Pushed OKMs whose _crc did not check out, by verdict (missing, mismatch, malformed); they are stored all the same.',
    labelNames: ['verdict'] as const,
    registers,
  });
  const signatureFailures = new Counter({
    name: 'opentps_hmac_failures_total',
    help: 'Device requests whose sha256hmac did not check out, by verdict (missing, malformed, invalid); refused with 401 in hmac mode.',
    labelNames: ['verdict'] as const,
    registers,
  });
  const shedRequests = new Counter({
    name: 'opentps_requests_shed_total',
    help: 'Device requests answered 503 with Retry-After, by error code (ERR_OVERLOADED: past --max-inflight or --max-pending-writes).',
    labelNames: ['code'] as const,
    registers,
  });
  const commitBatchSize = new Histogram({
    name: 'opentps_store_commit_batch_writes',
    help: 'Writes per group commit, by write queue (records: OKMs, devices, messages; on PostgreSQL the pushes only; traffic: the request log).',
    labelNames: ['queue'] as const,
    buckets: BATCH_SIZE_BUCKETS,
    registers,
  });
  const commitDuration = new Histogram({
    name: 'opentps_store_commit_duration_seconds',
    help: 'Time from the start of a group commit to its writers being answered (the fsync included with --durability full), by write queue.',
    labelNames: ['queue'] as const,
    buckets: LATENCY_BUCKETS_S,
    registers,
  });
  const walRestarts = new Counter({
    name: 'opentps_sqlite_wal_restarts_total',
    help: 'SQLite WAL restarts that keep a WAL file under --max-wal-mb, by file and outcome (restarted, not_restarted: the WAL may grow past the bound).',
    labelNames: ['file', 'outcome'] as const,
    registers,
  });
  const walHeld = new Counter({
    name: 'opentps_sqlite_wal_writers_held_seconds_total',
    help: 'Time writers were held while a WAL file was restarted, by file.',
    labelNames: ['file'] as const,
    registers,
  });
  const eventLoopLag = new Histogram({
    name: 'opentps_event_loop_lag_seconds',
    help: 'The longest event-loop delay in each second (perf_hooks.monitorEventLoopDelay): one observation per second.',
    buckets: LAG_BUCKETS_S,
    registers,
  });
  const backgroundFailures = createBackgroundFailureCounter(registry);
  // One series per model with mismatches: models are operator-defined, a few hundred at most.
  const heartbeatMismatches = new Counter({
    name: 'opentps_heartbeat_mismatches_total',
    help: 'Heartbeat values stored as sent that did not fit their data dictionary field (a string for a number, an unknown enum value), by model id.',
    labelNames: ['model'] as const,
    registers,
  });
  const alertTransitions = new Counter({
    name: 'opentps_alert_transitions_total',
    help: 'Alert changes this node wrote: opened pending, fired, resolved (each alert change is written by exactly one node of a cluster).',
    labelNames: ['state'] as const,
    registers,
  });
  for (const state of ['pending', 'firing', 'resolved']) alertTransitions.labels(state).inc(0);
  const notificationAttempts = new Counter({
    name: 'opentps_notification_attempts_total',
    help: 'Notification deliveries this node attempted, by channel kind (webhook, email) and outcome (delivered; failed and to be retried; given up after 24 h or for good).',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  for (const kind of ['webhook', 'email']) for (const outcome of ['delivered', 'failed', 'gave-up']) notificationAttempts.labels(kind, outcome).inc(0);
  // Known label values start at 0, so that a rate over the first failure is not lost (a series that appears
  // with the value 1 has no earlier sample to rise from).
  for (const verdict of CRC_FAILURES) crcFailures.labels(verdict).inc(0);
  for (const verdict of SIGNATURE_FAILURES) signatureFailures.labels(verdict).inc(0);
  for (const code of UNAVAILABLE_CODES) shedRequests.labels(code).inc(0);
  return {
    registry,
    requests,
    pushDuration,
    okmsStored,
    okmDuplicates,
    crcFailures,
    signatureFailures,
    shedRequests,
    eventLoopLag,
    backgroundFailures,
    heartbeatMismatches,
    alertTransitions,
    notificationAttempts,
    observeCommit(batch) {
      commitBatchSize.labels(batch.queue).observe(batch.writes);
      commitDuration.labels(batch.queue).observe(batch.durationMs / 1000);
    },
    observeWalEvent(event) {
      const file = basename(event.walPath);
      walRestarts.labels(file, event.kind === 'restarted' ? 'restarted' : 'not_restarted').inc();
      walHeld.labels(file).inc(event.heldMs / 1000);
    },
  };
}
