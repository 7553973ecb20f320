// /time (PROTOCOL.md A6): GET or POST, signed or not. The zone is the device's own when the request
// names a registered device that has one, else the server's default.

import type { FastifyInstance } from 'fastify';
import type { DeviceStore } from '../../domain/device-store.js';
import type { Clock } from '../../domain/clock.js';
import { decodeFormComponent } from '../../protocol/form-encoding.js';
import { buildTimeAnswer } from '../../protocol/time-answer.js';
import { isJsonObject } from '../../protocol/upstream-okm.js';
import { sendDeviceError, sendJson } from './device-reply.js';
import { extractProtocolParams } from './protocol-params.js';

export interface TimeRouteDeps {
  readonly store: DeviceStore;
  readonly clock: Clock;
  readonly defaultTimeZone: string;
}

function claimedDeviceId(encodedReq: string | undefined): string | null {
  if (encodedReq === undefined) return null;
  try {
    const req: unknown = JSON.parse(decodeFormComponent(encodedReq, true));
    return isJsonObject(req) && typeof req['devid'] === 'string' ? req['devid'] : null;
  } catch {
    // /time answers whatever it is sent; an unreadable req just means the default zone.
    return null;
  }
}

export function registerTimeRoute(app: FastifyInstance, deps: TimeRouteDeps): void {
  app.all('/time', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return sendDeviceError(request, reply, 'ERR_METHOD_NOT_ALLOWED', { allow: 'GET, POST' });
    }
    const params = extractProtocolParams(request);
    const deviceId = claimedDeviceId(params.encodedReq);
    const device = deviceId === null ? null : await deps.store.findDeviceCredentials(deviceId);
    request.observation.claimedDeviceId = deviceId;
    if (device) request.observation.deviceId = device.id;
    const answer = buildTimeAnswer(deps.clock.nowMs(), device?.timeZone ?? deps.defaultTimeZone);
    return sendJson(reply, 200, JSON.stringify(answer));
  });
}
