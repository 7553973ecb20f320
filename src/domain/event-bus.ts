// Live events for the console (device seen, telemetry, message state changes, alert changes), published by the
// domain services of this node. Subscribers get every event after they subscribed; nothing is kept.

import { EventEmitter } from 'node:events';
import type { MessageRecord } from './message-store.js';
import type { AlertRecord } from './alerts/alert-store.js';

export type LiveEvent =
  | { readonly type: 'device-seen'; readonly deviceId: string; readonly atMs: number }
  | { readonly type: 'telemetry'; readonly cwmId: string; readonly originId: string; readonly atMs: number; readonly fields: Record<string, unknown> }
  | { readonly type: 'message-state'; readonly message: MessageRecord }
  | { readonly type: 'alert'; readonly alert: AlertRecord };

export interface EventBus {
  publish(event: LiveEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
}

export function createEventBus(): EventBus {
  const emitter = new EventEmitter();
  // Every console tab is one listener; the default warning at 10 would be noise, not a leak.
  emitter.setMaxListeners(0);
  return {
    publish(event) {
      emitter.emit('event', event);
    },
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
  };
}
