// GET /pull (PROTOCOL.md A4). A message in the answer becomes `delivered` only once the response
// has been fully written; if the connection fails first the lease is released and it stays queued.

import type { FastifyInstance } from 'fastify';
import type { MessageDelivery } from '../../domain/message-delivery.js';
import { sendDeviceError, sendJson } from './device-reply.js';
import { extractProtocolParams } from './protocol-params.js';
import type { ReportRequestFailure } from './request-failure-report.js';

export function registerPullRoute(app: FastifyInstance, delivery: MessageDelivery, reportFailure: ReportRequestFailure): void {
  app.all('/pull', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return sendDeviceError(request, reply, 'ERR_METHOD_NOT_ALLOWED', { allow: 'GET, POST' });
    }
    const params = extractProtocolParams(request);
    const result = await delivery.servePull({ ...params, remoteAddress: request.ip }, request.observation);
    const messageId = result.leasedMessageId;
    if (messageId !== null) {
      const response = reply.raw;
      response.once('finish', () => {
        delivery
          .confirmDelivery(messageId)
          .catch((error: unknown) => reportFailure('delivery-confirm', error, { messageId }));
      });
      response.once('close', () => {
        if (response.writableFinished) return;
        delivery
          .releaseDelivery(messageId)
          .catch((error: unknown) => reportFailure('delivery-release', error, { messageId }));
      });
    }
    return sendJson(reply, 200, result.body);
  });
}
