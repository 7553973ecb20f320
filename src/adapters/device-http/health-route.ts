// GET /healthz: whether this node can serve devices, for load balancers, systemd watchdogs and
// monitoring. Unauthenticated, so it says nothing but the verdict: 200 when the store answers, 503 with
// Retry-After when it does not (a node cut off from PostgreSQL should be taken out of rotation).
// Not a device route: never recorded as traffic (a monitor polling every few seconds would fill the
// ring of unknown senders).

import type { FastifyInstance } from 'fastify';
import type { Store } from '../../domain/store.js';

export const HEALTH_PATH = '/healthz';

export function registerHealthRoute(app: FastifyInstance, deps: { store: Store; retryAfterSeconds: number }): void {
  app.get(HEALTH_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await deps.store.checkHealth();
      return await reply.code(200).type('application/json').send('{"status":"ok"}');
    } catch (error) {
      request.log.warn({ err: error }, 'health check: the store does not answer');
      return reply
        .code(503)
        .header('retry-after', String(deps.retryAfterSeconds))
        .type('application/json')
        .send('{"status":"unavailable","error":"ERR_STORE_UNAVAILABLE"}');
    }
  });
}
