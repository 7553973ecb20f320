// POST /push (PROTOCOL.md A3).

import type { FastifyInstance } from 'fastify';
import type { PushIngest } from '../../domain/push-ingest.js';
import { sendDeviceError, sendJson } from './device-reply.js';
import { extractProtocolParams } from './protocol-params.js';

export function registerPushRoute(app: FastifyInstance, ingest: PushIngest): void {
  app.all('/push', async (request, reply) => {
    if (request.method !== 'POST') return sendDeviceError(request, reply, 'ERR_METHOD_NOT_ALLOWED', { allow: 'POST' });
    const params = extractProtocolParams(request);
    const result = await ingest.ingestPush({ ...params, remoteAddress: request.ip }, request.observation);
    return sendJson(reply, 200, result.body);
  });
}
