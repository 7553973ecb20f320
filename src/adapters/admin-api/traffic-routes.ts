// GET /api/v1/traffic: the raw device requests the traffic recorder kept, newest last.

import type { FastifyInstance } from 'fastify';
import type { Store } from '../../domain/store.js';
import { toTrafficView } from './api-views.js';
import { queryInteger, queryOf } from './request-input.js';

export function registerTrafficRoutes(api: FastifyInstance, deps: { store: Store }): void {
  api.get('/traffic', async (request) => {
    const query = queryOf(request);
    const device = query['device'];
    const limit = queryInteger(query, 'limit', 100, 1, 5000);
    const entries = await deps.store.listTraffic({ deviceId: device === undefined ? undefined : device === 'unknown' ? null : device, limit });
    return { items: entries.map(toTrafficView) };
  });
}
