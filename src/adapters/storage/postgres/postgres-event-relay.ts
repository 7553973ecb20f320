// Live events across the nodes of a cluster: a console connected (through nginx) to one node must see
// what the devices do on every node. Each node publishes its own events locally at once and, every
// RELAY_EVERY_MS, sends them to the other nodes with NOTIFY (payloads under PostgreSQL's 8,000-byte limit);
// each node LISTENs and republishes on its own bus what the others sent. Live events are a view, not a
// record: when a node produces more than MAX_WAITING between two flushes, or the database refuses, the
// surplus is dropped and counted (the store, not the live view, is the record).

import { randomUUID } from 'node:crypto';
import type { EventBus, LiveEvent } from '../../../domain/event-bus.js';
import pg from 'pg';
import { startNotificationListener, type NotificationListener } from './postgres-notification-listener.js';

export const EVENT_RELAY_CHANNEL = 'opentps_live_events';
const RELAY_EVERY_MS = 100;
const MAX_WAITING = 20_000;
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

interface RelayedBatch {
  /** The sending node: a node ignores its own batches, which it has published already. */
  readonly from: string;
  readonly events: LiveEvent[];
}

export interface EventRelay {
  /** Events dropped so far because too many waited or the database refused them. */
  readonly droppedCount: number;
  close(): Promise<void>;
}

/** Splits the events into NOTIFY payloads; an event too large for one payload alone is dropped. */
export function packRelayPayloads(from: string, events: readonly LiveEvent[]): { payloads: string[]; dropped: number } {
  const payloads: string[] = [];
  let dropped = 0;
  const envelope = (parts: readonly string[]): string => `{"from":${JSON.stringify(from)},"events":[${parts.join(',')}]}`;
  const overhead = Buffer.byteLength(envelope([]));
  let parts: string[] = [];
  let bytes = overhead;
  for (const event of events) {
    const text = JSON.stringify(event);
    const size = Buffer.byteLength(text) + 1;
    if (overhead + size > MAX_PAYLOAD_BYTES) {
      dropped++;
      continue;
    }
    if (bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(envelope(parts));
      parts = [];
      bytes = overhead;
    }
    parts.push(text);
    bytes += size;
  }
  if (parts.length > 0) payloads.push(envelope(parts));
  return { payloads, dropped };
}

function parseBatch(payload: string): RelayedBatch | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== 'object' || value === null || !('from' in value) || !('events' in value)) return null;
    return Array.isArray(value.events) && typeof value.from === 'string' ? { from: value.from, events: value.events as LiveEvent[] } : null;
  } catch {
    return null;
  }
}

/**
 * Relays `bus`'s events to the other nodes and theirs to `bus`. Returns the bus to hand to the domain
 * services (publishing on it publishes locally and relays) and the relay to close at shutdown.
 */
export function startPostgresEventRelay(options: { connectionString: string; bus: EventBus }): { bus: EventBus; relay: EventRelay } {
  const nodeId = randomUUID();
  // One connection of its own, so that relaying never waits behind (or delays) the store's writes.
  const sender = new pg.Pool({ connectionString: options.connectionString, max: 1, application_name: 'opentps-relay' });
  sender.on('error', () => undefined);
  let waiting: LiveEvent[] = [];
  let droppedCount = 0;
  let flushing: Promise<void> | null = null;

  const listener: NotificationListener = startNotificationListener({
    connectionString: options.connectionString,
    channel: EVENT_RELAY_CHANNEL,
    onNotification(payload) {
      const batch = parseBatch(payload);
      if (batch === null || batch.from === nodeId) return;
      for (const event of batch.events) options.bus.publish(event);
    },
    onGap() {},
  });

  async function flush(): Promise<void> {
    if (waiting.length === 0) return;
    const events = waiting;
    waiting = [];
    const { payloads, dropped } = packRelayPayloads(nodeId, events);
    droppedCount += dropped;
    try {
      await sender.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [EVENT_RELAY_CHANNEL, payloads]);
    } catch {
      droppedCount += events.length - dropped;
    }
  }

  const timer = setInterval(() => {
    flushing ??= flush().finally(() => {
      flushing = null;
    });
  }, RELAY_EVERY_MS);
  timer.unref();

  const relayingBus: EventBus = {
    publish(event) {
      options.bus.publish(event);
      if (waiting.length >= MAX_WAITING) {
        droppedCount++;
        return;
      }
      waiting.push(event);
    },
    subscribe: (subscriber) => options.bus.subscribe(subscriber),
  };

  return {
    bus: relayingBus,
    relay: {
      get droppedCount() {
        return droppedCount;
      },
      async close() {
        clearInterval(timer);
        await flushing;
        await flush();
        await listener.close();
        // Closing: a sender connection already broken has nothing left to lose.
        await sender.end().catch(() => undefined);
      },
    },
  };
}
