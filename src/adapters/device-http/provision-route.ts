// /provision and every path under it (PROTOCOL.md A6). The vendor's provisioning format is not
// public, so we record exactly what arrives and answer a neutral 200; only a `req` that claims two
// devices at once (a member name given twice) is refused. Mutual TLS (the client certificate from our
// CA) is enforced before this route, in device-app.ts.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from './device-reply.js';
import { extractProtocolParams } from './protocol-params.js';
import { claimedDeviceIdOf } from '../../protocol/claimed-device.js';
import { isOpenTpsError } from '../../errors.js';

/**
 * The device a request names in `req` (`devid`, or the CWM of a pushed OKM): recorded as claimed, never
 * trusted. Null when `req` names none, cannot be read, or names two (a member name given twice).
 */
export function claimedDevid(request: FastifyRequest): string | null {
  try {
    return claimedDeviceIdOf(extractProtocolParams(request).encodedReq);
  } catch {
    // Recorded raw by the traffic recorder either way; nothing to decide from it here.
    return null;
  }
}

/** Like claimedDevid, but a `req` that claims two devices at once is refused (ERR_OKM_DUPLICATE_KEY). */
function unambiguousClaimedDevid(request: FastifyRequest): string | null {
  try {
    return claimedDeviceIdOf(extractProtocolParams(request).encodedReq);
  } catch (error) {
    if (isOpenTpsError(error, 'ERR_OKM_DUPLICATE_KEY')) throw error;
    return null;
  }
}

export function registerProvisionRoute(app: FastifyInstance): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const devid = unambiguousClaimedDevid(request);
    if (devid !== null) request.observation.claimedDeviceId = devid;
    return sendJson(reply, 200, '{"provision":true}');
  };
  app.all('/provision', handler);
  app.all('/provision/*', handler);
}
