// /time (PROTOCOL.md A6): GET or POST, signed or not. The zone is the device's own when the request
// names a registered device that has one, else the server's default.

import type { FastifyInstance } from 'fastify';
import type { DeviceStore } from '../../domain/device-store.js';
import type { Clock } from '../../domain/clock.js';
import { claimedDeviceIdOf } from '../../protocol/claimed-device.js';
import { buildTimeAnswer } from '../../protocol/time-answer.js';
import { sendDeviceError, sendJson } from './device-reply.js';
import { extractProtocolParams } from './protocol-params.js';

export interface TimeRouteDeps {
  readonly store: DeviceStore;
  readonly clock: Clock;
  readonly defaultTimeZone: string;
}

export function registerTimeRoute(app: FastifyInstance, deps: TimeRouteDeps): void {
  app.all('/time', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return sendDeviceError(request, reply, 'ERR_METHOD_NOT_ALLOWED', { allow: 'GET, POST' });
    }
    const params = extractProtocolParams(request);
    const deviceId = claimedDeviceIdOf(params.encodedReq);
    const device = deviceId === null ? null : await deps.store.findDeviceCredentials(deviceId);
    request.observation.claimedDeviceId = deviceId;
    if (device) request.observation.deviceId = device.id;
    const answer = buildTimeAnswer(deps.clock.nowMs(), device?.timeZone ?? deps.defaultTimeZone);
    return sendJson(reply, 200, JSON.stringify(answer));
  });
}
