// GET /api/v1/traffic: the raw device requests the traffic recorder kept, newest last.

import type { TrafficLog } from '../../domain/traffic-log.js';
import { toTrafficView } from './api-views.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses } from './schemas/common-schemas.js';
import { TrafficListSchema, TrafficQuery } from './schemas/traffic-schemas.js';

export function registerTrafficRoutes(api: AdminApi, deps: { trafficLog: TrafficLog }): void {
  api.get('/traffic', { schema: { summary: 'Recorded device requests, newest last', querystring: TrafficQuery, response: { 200: TrafficListSchema, ...errorResponses(400) } } }, async (request) => {
    const { device, limit = 100 } = request.query;
    const entries = await deps.trafficLog.listEntries({ deviceId: device === undefined ? undefined : device === 'unknown' ? null : device, limit });
    return { items: entries.map(toTrafficView) };
  });
}
