// GET /metrics: the server's metrics in the Prometheus text format, on the listener the devices and the
// console share. Off (404 ERR_METRICS_DISABLED) until --metrics-token is set, then only for
// `Authorization: Bearer <token>` (401 ERR_METRICS_TOKEN otherwise). Never recorded as device traffic.

import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { sendApiError } from '../admin-api/api-errors.js';
import { judgeScrape } from './scrape-authorization.js';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteDeps {
  readonly registry: Registry;
  /** --metrics-token; null: /metrics is off. */
  readonly token: string | null;
}

export function registerMetricsRoute(app: FastifyInstance, deps: MetricsRouteDeps): void {
  app.get(METRICS_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const verdict = judgeScrape(request.headers.authorization, deps.token);
    if (verdict === 'disabled') return sendApiError(reply, 'ERR_METRICS_DISABLED');
    if (verdict === 'refused') return sendApiError(reply, 'ERR_METRICS_TOKEN', undefined, { 'www-authenticate': 'Bearer realm="opentps-metrics"' });
    const text = await deps.registry.metrics();
    return reply.code(200).type(deps.registry.contentType).send(text);
  });
}
