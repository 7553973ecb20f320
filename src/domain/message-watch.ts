// One queued message as an operator follows it: read it, or wait for its state to change (the console's
// long poll), woken by this node's message events and read again from the store when woken.

import { OpenTpsError } from '../errors.js';
import type { EventBus } from './event-bus.js';
import type { MessageRecord, MessageState, MessageStore } from './message-store.js';

export interface MessageWatchDeps {
  readonly store: Pick<MessageStore, 'findMessage'>;
  readonly events: Pick<EventBus, 'subscribe'>;
}

export interface StateChangeWait {
  /** The state the caller knows; any other state ends the wait. */
  readonly fromState: MessageState | string;
  /** Longest wait; 0 answers at once. */
  readonly timeoutMs: number;
  /** Ends the wait early (the client went away), answering the message as it is. */
  readonly signal?: AbortSignal | undefined;
}

export interface MessageWatch {
  /** @throws OpenTpsError ERR_MESSAGE_NOT_FOUND */
  readMessage(messageId: number): Promise<MessageRecord>;
  /**
   * The message once its state is other than `fromState`, or as it is at the timeout or abort. A message
   * removed meanwhile is answered as last seen. @throws OpenTpsError ERR_MESSAGE_NOT_FOUND when it never existed
   */
  waitForStateChange(messageId: number, wait: StateChangeWait): Promise<MessageRecord>;
}

/** @example const watch = createMessageWatch({ store, events }); await watch.waitForStateChange(id, { fromState: 'queued', timeoutMs: 25_000 }); */
export function createMessageWatch(deps: MessageWatchDeps): MessageWatch {
  const readMessage = async (messageId: number): Promise<MessageRecord> => {
    const found = await deps.store.findMessage(messageId);
    if (!found) throw new OpenTpsError('ERR_MESSAGE_NOT_FOUND', String(messageId));
    return found;
  };
  return {
    readMessage,
    async waitForStateChange(messageId, wait) {
      const current = await readMessage(messageId);
      if (current.state !== wait.fromState || wait.timeoutMs === 0 || wait.signal?.aborted === true) return current;
      const changed = await new Promise<MessageRecord>((resolve) => {
        const timer = setTimeout(() => finish(current), wait.timeoutMs);
        const unsubscribe = deps.events.subscribe((event) => {
          if (event.type === 'message-state' && event.message.id === messageId && event.message.state !== wait.fromState) finish(event.message);
        });
        const onAbort = (): void => finish(current);
        wait.signal?.addEventListener('abort', onAbort, { once: true });
        function finish(message: MessageRecord): void {
          clearTimeout(timer);
          unsubscribe();
          wait.signal?.removeEventListener('abort', onAbort);
          resolve(message);
        }
      });
      // The event may come from before a later change; the store has the latest.
      return (await deps.store.findMessage(messageId)) ?? changed;
    },
  };
}
