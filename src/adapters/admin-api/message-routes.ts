// Messages of a CWM: list, queue (the same code path and rules as `opentps send`), cancel, and a
// long poll that waits for a message's state to change.

import type { AuditLog } from '../../domain/audit-log.js';
import type { MessageQueue } from '../../domain/message-queue.js';
import type { MessageWatch } from '../../domain/message-watch.js';
import { OpenTpsError } from '../../errors.js';
import { cwmIdFromDestination } from '../../protocol/device-id.js';
import type { MessageState } from '../../domain/message-store.js';
import type { AdminApi } from './admin-api-instance.js';
import { toMessageView } from './api-views.js';
import { errorResponses } from './schemas/common-schemas.js';
import { DeviceIdParams } from './schemas/device-schemas.js';
import { MESSAGE_STATE_VALUES, MessageIdParams, MessageListSchema, MessagePollQuery, MessageSchema, NewMessageBody } from './schemas/message-schemas.js';
import type { SameType } from './schema-parity.js';

const statesMatch: SameType<(typeof MESSAGE_STATE_VALUES)[number], MessageState> = true;
void statesMatch;

export interface MessageRouteDeps {
  readonly messageWatch: MessageWatch;
  readonly queue: MessageQueue;
  readonly audit: AuditLog;
}

export function registerMessageRoutes(api: AdminApi, deps: MessageRouteDeps): void {
  api.get('/devices/:id/messages', { schema: { summary: 'Messages of a CWM, newest first', params: DeviceIdParams, response: { 200: MessageListSchema, ...errorResponses(404) } } }, async (request) => {
    const { id } = request.params;
    const messages = await deps.queue.listMessages(id);
    return { items: messages.reverse().map(toMessageView) };
  });

  const queueSchema = { summary: 'Queue a message', params: DeviceIdParams, body: NewMessageBody, response: { 201: MessageSchema, ...errorResponses(400, 403, 404, 409) } };
  api.post('/devices/:id/messages', { schema: queueSchema }, async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    const destination = body.destination;
    if (cwmIdFromDestination(destination) !== id) {
      throw new OpenTpsError('ERR_MESSAGE_DST_INVALID', `the CWM named last in _dst must be ${id}`);
    }
    const message = await deps.queue.queueMessage({ destination, cmd: body.cmd, payload: body.payload, ttlSeconds: body.ttlSeconds });
    await deps.audit.record(request.operatorName ?? '-', 'message.queue', id, { messageId: message.id, okmId: message.okmId, cmd: message.cmd, payload: message.payload });
    return reply.code(201).send(toMessageView(message));
  });

  api.delete('/messages/:messageId', { schema: { summary: 'Cancel a message', params: MessageIdParams, response: { 200: MessageSchema, ...errorResponses(400, 403, 404, 409) } } }, async (request) => {
    const cancelled = await deps.queue.cancelMessage(Number(request.params.messageId));
    await deps.audit.record(request.operatorName ?? '-', 'message.cancel', cancelled.cwmId, { messageId: cancelled.id });
    return toMessageView(cancelled);
  });

  const pollSchema = { summary: 'A message; with waitForChangeFrom, a long poll that answers at its first state change', params: MessageIdParams, querystring: MessagePollQuery, response: { 200: MessageSchema, ...errorResponses(400, 404) } };
  api.get('/messages/:messageId', { schema: pollSchema }, async (request) => {
    const { messageId } = request.params;
    const id = Number(messageId);
    const from = request.query.waitForChangeFrom;
    const timeoutMs = (request.query.timeoutS ?? 25) * 1000;
    if (from === undefined) return toMessageView(await deps.messageWatch.readMessage(id));
    // Long poll: the first state change of this message, or the message as it is at the timeout or when the client leaves.
    const leaving = new AbortController();
    const abort = (): void => leaving.abort();
    request.raw.once('close', abort);
    try {
      return toMessageView(await deps.messageWatch.waitForStateChange(id, { fromState: from, timeoutMs, signal: leaving.signal }));
    } finally {
      request.raw.off('close', abort);
    }
  });
}
