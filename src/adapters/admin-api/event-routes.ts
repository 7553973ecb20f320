// GET /api/v1/events: Server-Sent Events for the console (device seen, telemetry, message states).

import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../../domain/event-bus.js';
import { toMessageView } from './api-views.js';

const KEEP_ALIVE_MS = 15_000;

export function registerEventRoutes(api: FastifyInstance, deps: { events: EventBus }): void {
  api.get('/events', (request, reply) => {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write(': connected\n\n');
    const unsubscribe = deps.events.subscribe((event) => {
      const data =
        event.type === 'message-state'
          ? toMessageView(event.message)
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
