// Messages of a CWM: list, queue (the same code path and rules as `opentps send`), cancel, and a
// long poll that waits for a message's state to change.

import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import type { EventBus } from '../../domain/event-bus.js';
import type { MessageQueue } from '../../domain/message-queue.js';
import type { MessageRecord } from '../../domain/message-store.js';
import type { Store } from '../../domain/store.js';
import { OpenTpsError } from '../../errors.js';
import { cwmIdFromDestination } from '../../protocol/device-id.js';
import { invalid } from './api-errors.js';
import { toMessageView } from './api-views.js';
import { bodyOf, queryInteger, queryOf } from './request-input.js';

export interface MessageRouteDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly queue: MessageQueue;
  readonly audit: AuditLog;
  readonly events: EventBus;
}

export function registerMessageRoutes(api: FastifyInstance, deps: MessageRouteDeps): void {
  api.get('/devices/:id/messages', async (request) => {
    const { id } = request.params as { id: string };
    const messages = await deps.queue.listMessages(id);
    return { items: messages.reverse().map(toMessageView) };
  });

  api.post('/devices/:id/messages', async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = bodyOf(request);
    const destination = body['destination'];
    if (Array.isArray(destination) && destination.length > 0 && cwmIdFromDestination(destination.map(String)) !== id) {
      throw new OpenTpsError('ERR_MESSAGE_DST_INVALID', `the CWM named last in _dst must be ${id}`);
    }
    const message = await deps.queue.queueMessage({ destination, cmd: body['cmd'], payload: body['payload'], ttlSeconds: body['ttlSeconds'] });
    await deps.audit.record(request.operatorName ?? '-', 'message.queue', id, { messageId: message.id, okmId: message.okmId, cmd: message.cmd, payload: message.payload });
    return reply.code(201).send(toMessageView(message));
  });

  api.delete('/messages/:messageId', async (request) => {
    const { messageId } = request.params as { messageId: string };
    if (!/^\d{1,15}$/.test(messageId)) throw invalid('the message id must be a number');
    const cancelled = await deps.queue.cancelMessage(Number(messageId));
    await deps.audit.record(request.operatorName ?? '-', 'message.cancel', cancelled.cwmId, { messageId: cancelled.id });
    return toMessageView(cancelled);
  });

  api.get('/messages/:messageId', async (request) => {
    const { messageId } = request.params as { messageId: string };
    if (!/^\d{1,15}$/.test(messageId)) throw invalid('the message id must be a number');
    const id = Number(messageId);
    const query = queryOf(request);
    const from = query['waitForChangeFrom'];
    const timeoutMs = queryInteger(query, 'timeoutS', 25, 0, 60) * 1000;
    const found = await deps.store.findMessage(id);
    if (!found) throw new OpenTpsError('ERR_MESSAGE_NOT_FOUND', messageId);
    const current: MessageRecord = found;
    if (from === undefined || current.state !== from || timeoutMs === 0) return toMessageView(current);
    // Long poll: answer at the first state change of this message, or with the unchanged message at the timeout.
    const changed = await new Promise<MessageRecord>((resolve) => {
      const timer = setTimeout(() => finish(current), timeoutMs);
      const unsubscribe = deps.events.subscribe((event) => {
        if (event.type === 'message-state' && event.message.id === id && event.message.state !== from) finish(event.message);
      });
      request.raw.once('close', () => finish(current));
      function finish(message: MessageRecord): void {
        clearTimeout(timer);
        unsubscribe();
        resolve(message);
      }
    });
    return toMessageView((await deps.store.findMessage(id)) ?? changed);
  });
}
