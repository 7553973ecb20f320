// GET /api/v1/events: Server-Sent Events for the console (device seen, telemetry, message states, alert changes).

import type { Static } from '@sinclair/typebox';
import type { EventBus } from '../../domain/event-bus.js';
import type { AdminApi } from './admin-api-instance.js';
import { toMessageView, type MessageView } from './api-views.js';
import { toAlertView } from './alert-routes.js';
import { errorResponses } from './schemas/common-schemas.js';
import { EventStreamSchema, type DeviceSeenEventSchema, type TelemetryEventSchema } from './schemas/event-schemas.js';

const KEEP_ALIVE_MS = 15_000;

type EventData = MessageView | Static<typeof TelemetryEventSchema> | Static<typeof DeviceSeenEventSchema> | ReturnType<typeof toAlertView>;

export function registerEventRoutes(api: AdminApi, deps: { events: EventBus }): void {
  const schema = {
    summary: 'Server-Sent Events: device-seen, telemetry, message-state, alert',
    response: { 200: { description: 'an event stream', content: { 'text/event-stream': { schema: EventStreamSchema } } }, ...errorResponses() },
  };
  api.get('/events', { schema }, (request, reply) => {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write(': connected\n\n');
    const unsubscribe = deps.events.subscribe((event) => {
      const data: EventData =
        event.type === 'message-state'
          ? toMessageView(event.message)
          : event.type === 'alert'
            ? toAlertView(event.alert)
          : event.type === 'telemetry'
            ? { cwmId: event.cwmId, originId: event.originId, at: new Date(event.atMs).toISOString(), fields: event.fields }
            : { deviceId: event.deviceId, at: new Date(event.atMs).toISOString() };
      response.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
    });
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    request.raw.once('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });
}
