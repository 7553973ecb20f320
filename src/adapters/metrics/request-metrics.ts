// Counts every answered HTTP request by route pattern and status, and, for device requests, what the
// domain learnt about them (request-observation.ts): OKMs stored or duplicated, CRC and HMAC failures,
// 503s shed, and how long acknowledged pushes took.

import type { FastifyInstance } from 'fastify';
import '../device-http/fastify-augmentation.js';
import type { RequestObservation } from '../../domain/request-observation.js';
import { CRC_FAILURES, SIGNATURE_FAILURES, type EventMetrics } from './event-metrics.js';

/** The route label of a request no route matched: raw URLs would make one series per URL ever sent. */
export const UNMATCHED_ROUTE = '(unmatched)';

const PUSH_ROUTE = '/push';

/** What the metrics take from one answered request. */
export interface AnsweredRequest {
  readonly method: string;
  /** The route pattern (`/api/v1/devices/:id`), or UNMATCHED_ROUTE. */
  readonly route: string;
  readonly status: number;
  readonly elapsedMs: number;
  /** What the domain learnt; null for operator requests and requests refused before the device hooks ran. */
  readonly observation: RequestObservation | null;
  /** The catalogue code answered to a device, if any. */
  readonly errorCode: string | null;
}

/**
 * Cost, measured with bench/metrics-hook.ts (2 shared cores): 0.9-1.2 µs for an acknowledged push, under 1 %
 * of the CPU a push takes (BENCHMARKS.md: ~5,700 durable pushes/s on one core, ~175 µs each).
 */
export function recordAnsweredRequest(metrics: EventMetrics, answered: AnsweredRequest): void {
  metrics.requests.labels(answered.method, answered.route, String(answered.status)).inc();
  const observation = answered.observation;
  if (observation === null) return;
  if (observation.okmOutcome === 'stored') metrics.okmsStored.inc();
  else if (observation.okmOutcome === 'duplicate') metrics.okmDuplicates.inc();
  if (observation.crcVerdict !== null && CRC_FAILURES.includes(observation.crcVerdict)) metrics.crcFailures.labels(observation.crcVerdict).inc();
  if (observation.signatureVerdict !== null && SIGNATURE_FAILURES.includes(observation.signatureVerdict)) {
    metrics.signatureFailures.labels(observation.signatureVerdict).inc();
  }
  if (answered.status === 503) metrics.shedRequests.labels(answered.errorCode ?? 'unknown').inc();
  if (answered.status === 200 && answered.route === PUSH_ROUTE) metrics.pushDuration.observe(answered.elapsedMs / 1000);
}

/** Adds the onResponse hook to `app`, and so to every plugin registered in it afterwards. */
export function observeRequests(app: FastifyInstance, metrics: EventMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    // `observation` is set by the device app's onRequest hook, which leaves operator requests alone.
    const observation: RequestObservation | undefined = request.isOperatorRequest ? undefined : request.observation;
    recordAnsweredRequest(metrics, {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status: reply.statusCode,
      elapsedMs: reply.elapsedTime,
      observation: observation ?? null,
      errorCode: request.answeredErrorCode,
    });
    done();
  });
}
