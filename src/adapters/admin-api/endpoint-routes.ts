// GET /api/v1/endpoint-check?value=...: the console's live check of a CWM endpoint value (same rule as
// `opentps endpoint check`, src/protocol/endpoint-name.ts).

import type { FastifyInstance } from 'fastify';
import { checkEndpointName } from '../../protocol/endpoint-name.js';
import { queryOf } from './request-input.js';

export function registerEndpointRoutes(api: FastifyInstance): void {
  api.get('/endpoint-check', async (request) => checkEndpointName(queryOf(request)['value'] ?? ''));
}
