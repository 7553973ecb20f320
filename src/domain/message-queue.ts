// The operator side of the durable per-CWM queue (PROTOCOL.md A5): validate, build the OKM with its
// CRC, queue within the depth limit, list and cancel. Used by the CLI and the admin API alike.

import { OpenTpsError } from '../errors.js';
import { buildDownstreamOkm } from '../protocol/downstream-okm.js';
import { formatUtcTimestamp } from '../protocol/okm-timestamp.js';
import type { Clock } from './clock.js';
import type { EventBus } from './event-bus.js';
import { validateMessageRequest, type MessageInput } from './message-request.js';
import type { MessageRecord } from './message-store.js';
import type { Store } from './store.js';

export interface MessageQueueDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly defaultTtlSeconds: number;
  readonly maxQueuedPerCwm: number;
  readonly maxOkmBytes: number;
  readonly events?: EventBus | undefined;
}

export interface MessageQueue {
  /** @throws OpenTpsError for invalid input, ERR_DEVICE_NOT_FOUND, ERR_QUEUE_FULL, ERR_MESSAGE_TOO_LARGE */
  queueMessage(input: MessageInput): Promise<MessageRecord>;
  cancelMessage(messageId: number): Promise<MessageRecord>;
  listMessages(cwmId: string): Promise<MessageRecord[]>;
}

const utf8 = new TextEncoder();

export function createMessageQueue(deps: MessageQueueDeps): MessageQueue {
  return {
    async queueMessage(input) {
      const request = validateMessageRequest(input, deps.defaultTtlSeconds);
      const device = await deps.store.findDevice(request.cwmId);
      if (!device) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', request.cwmId);
      const nowMs = deps.clock.nowMs();
      const ts = formatUtcTimestamp(nowMs);
      const build = (okmId: number): string =>
        buildDownstreamOkm({ destination: request.destination, cmd: request.cmd, id: okmId, ts, payload: request.payload });
      // Largest possible `_id` (5 digits) gives the largest text: refuse before allocating anything.
      const longest = utf8.encode(build(65535)).length;
      if (longest > deps.maxOkmBytes) throw new OpenTpsError('ERR_MESSAGE_TOO_LARGE', `${longest} > ${deps.maxOkmBytes} bytes`);
      const queued = await deps.store.enqueueMessage({
        cwmId: request.cwmId,
        destination: request.destination,
        cmd: request.cmd,
        payload: request.payload,
        createdAtMs: nowMs,
        expiresAtMs: nowMs + request.ttlSeconds * 1000,
        maxQueued: deps.maxQueuedPerCwm,
        ts,
      });
      deps.events?.publish({ type: 'message-state', message: queued });
      return queued;
    },
    async cancelMessage(messageId) {
      const cancelled = await deps.store.cancelMessage(messageId, deps.clock.nowMs());
      deps.events?.publish({ type: 'message-state', message: cancelled });
      return cancelled;
    },
    async listMessages(cwmId) {
      if (!(await deps.store.findDevice(cwmId))) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', cwmId);
      return deps.store.listMessages(cwmId, deps.clock.nowMs());
    },
  };
}
