// /provision and every path under it (PROTOCOL.md A6). The vendor's provisioning format is not
// public, so we record exactly what arrives and answer a neutral 200; handing out keys waits for
// mutual TLS (the custom-endpoint kit issue).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from './device-reply.js';
import { extractProtocolParams } from './protocol-params.js';
import { decodeFormComponent } from '../../protocol/form-encoding.js';
import { isJsonObject } from '../../protocol/upstream-okm.js';

export function registerProvisionRoute(app: FastifyInstance): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = extractProtocolParams(request);
    if (params.encodedReq !== undefined) {
      try {
        const req: unknown = JSON.parse(decodeFormComponent(params.encodedReq, true));
        if (isJsonObject(req) && typeof req['devid'] === 'string') request.observation.claimedDeviceId = req['devid'];
      } catch {
        // Recorded raw by the traffic recorder either way; nothing to decide from it here.
      }
    }
    return sendJson(reply, 200, '{"provision":true}');
  };
  app.all('/provision', handler);
  app.all('/provision/*', handler);
}
