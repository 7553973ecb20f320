// GET /healthz: whether this node can serve devices, for load balancers, systemd watchdogs and
// monitoring. Unauthenticated, so it says nothing but the verdict and a short reason: 200 when the store
// answers and its last write committed, 503 with Retry-After when it does not answer or cannot write
// (a node cut off from PostgreSQL, or on a full disk, should be taken out of rotation).
// Not a device route: never recorded as traffic (a monitor polling every few seconds would fill the
// ring of unknown senders).

import type { FastifyInstance } from 'fastify';
import { judgeStoreHealth } from '../../domain/store-health.js';
import type { Store } from '../../domain/store.js';
import type { WriteHealth } from '../../domain/write-health.js';
import { failureKey, type RepeatedErrorLog } from '../logging/repeated-error-log.js';

export const HEALTH_PATH = '/healthz';

export interface HealthRouteDeps {
  readonly store: Store;
  readonly writeHealth: WriteHealth;
  readonly retryAfterSeconds: number;
  readonly failureLog: RepeatedErrorLog;
}

export function registerHealthRoute(app: FastifyInstance, deps: HealthRouteDeps): void {
  app.get(HEALTH_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const health = await judgeStoreHealth(deps.store, deps.writeHealth);
    if (health.isAvailable) return reply.code(200).type('application/json').send('{"status":"ok"}');
    // A monitor asks every few seconds: the log hears of a failing store once per interval, not per poll.
    if (health.cause !== null) {
      deps.failureLog.report('warn', failureKey('health check', health.cause), { err: health.cause }, 'health check: the store does not answer');
    }
    return reply
      .code(503)
      .header('retry-after', String(deps.retryAfterSeconds))
      .type('application/json')
      .send(JSON.stringify({ status: 'unavailable', error: 'ERR_STORE_UNAVAILABLE', reason: health.reason }));
  });
}
