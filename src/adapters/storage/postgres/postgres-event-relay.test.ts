// Packing live events into NOTIFY payloads: every payload under PostgreSQL's 8,000-byte limit, events in
// order and whole, an event too large for any payload dropped and counted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventBus, type LiveEvent } from '../../../domain/event-bus.js';
import { packRelayPayloads, startPostgresEventRelay } from './postgres-event-relay.js';

const telemetry = (i: number, filler = ''): LiveEvent => ({ type: 'telemetry', cwmId: '0002000000000001', originId: '0363000000000001', atMs: i, fields: { i, filler } });

test('many events split into payloads under 8,000 bytes that give back every event in order', () => {
  const events = Array.from({ length: 500 }, (_, i) => telemetry(i, 'é'.repeat(i % 40)));
  const { payloads, dropped } = packRelayPayloads('node-1', events);
  assert.equal(dropped, 0);
  assert.ok(payloads.length > 1);
  for (const payload of payloads) assert.ok(Buffer.byteLength(payload) < 8000, `payload of ${Buffer.byteLength(payload)} bytes`);
  const back = payloads.flatMap((payload) => (JSON.parse(payload) as { from: string; events: LiveEvent[] }).events);
  assert.deepEqual(back, events);
  assert.ok(payloads.every((payload) => (JSON.parse(payload) as { from: string }).from === 'node-1'));
});

test('an event too large for one payload is dropped and counted; the others go', () => {
  const { payloads, dropped } = packRelayPayloads('node-1', [telemetry(1), telemetry(2, 'x'.repeat(9000)), telemetry(3)]);
  assert.equal(dropped, 1);
  const back = payloads.flatMap((payload) => (JSON.parse(payload) as { events: LiveEvent[] }).events);
  assert.deepEqual(back.map((event) => event.type === 'telemetry' && event.atMs), [1, 3]);
});

test('no events, no payload', () => {
  assert.deepEqual(packRelayPayloads('node-1', []), { payloads: [], dropped: 0 });
});

test('when the database cannot be reached, events are still published on this node and the ones not relayed are counted', async () => {
  const local = createEventBus();
  const seen: LiveEvent[] = [];
  local.subscribe((event) => seen.push(event));
  // Nothing listens on port 1: every NOTIFY fails.
  const { bus, relay } = startPostgresEventRelay({ connectionString: 'postgres://nobody@127.0.0.1:1/none', bus: local });
  try {
    for (let i = 0; i < 5; i++) bus.publish(telemetry(i));
    assert.equal(seen.length, 5, 'published locally at once');
    const deadline = Date.now() + 3000;
    while (relay.droppedCount < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(relay.droppedCount, 5);
  } finally {
    await relay.close();
  }
});
