import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFleet } from './fleet-plan.js';
import type { SimResponse, SimTransport } from './sim-transport.js';
import { VirtualFleet } from './virtual-fleet.js';

/** A server that answers each request with `answer(n)`, or never (null) until the transport is closed. */
function createTransport(answer: (index: number) => SimResponse | null) {
  let sent = 0;
  let isClosed = false;
  const pending: Array<(error: Error) => void> = [];
  const transport: SimTransport = {
    send() {
      const response = answer(sent++);
      if (response !== null) return Promise.resolve(response);
      return new Promise<SimResponse>((_, reject) => pending.push(reject));
    },
    async close() {
      isClosed = true;
      for (const reject of pending.splice(0)) reject(new Error('transport closed'));
    },
  };
  return { transport, sentCount: () => sent, isClosed: () => isClosed };
}

function createFleet(transport: SimTransport, devices: number) {
  const plans = planFleet({ devices, okesPerCwm: 2, seed: 4 });
  return new VirtualFleet({ plans, transport, intervalMs: 50, maxBackoffMs: 60_000, isTrackingAcks: false, log: () => undefined });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

test('stop(grace) ends even when the server never answers: what is in flight is dropped and reported, not counted as an error', { timeout: 5000 }, async () => {
  const server = createTransport(() => null);
  const fleet = createFleet(server.transport, 3);
  fleet.start();
  await until(() => server.sentCount() === 3);
  await fleet.stop(100);
  const summary = fleet.summary();
  assert.equal(server.isClosed(), true);
  assert.equal(summary.inFlightAtEnd, 3, 'one push per CWM was waiting for an answer');
  assert.ok(summary.queuedAtEnd >= 3 + summary.okes, `every heartbeat is still queued (${summary.queuedAtEnd})`);
  assert.equal(summary.errors, 0);
  assert.equal(summary.pushesAcked, 0);
  assert.equal(server.sentCount(), 3, 'no CWM sent a second request: each waited for its first answer');
});

test('stop(grace) drains the queues within the grace: a CWM told to come back in 30 s retries at once and delivers', { timeout: 5000 }, async () => {
  const server = createTransport((index) =>
    index === 0 ? { status: 503, body: '{"push":false,"pull":false}', retryAfterS: 30 } : { status: 200, body: '{"push":true,"pull":false}', retryAfterS: null },
  );
  const fleet = createFleet(server.transport, 1);
  fleet.start();
  await until(() => fleet.stats.busy === 1 && fleet.queuedCount > 3);
  const queued = fleet.queuedCount;
  await fleet.stop(3000);
  const summary = fleet.summary();
  assert.equal(summary.queuedAtEnd, 0);
  assert.equal(summary.inFlightAtEnd, 0);
  assert.ok(summary.pushesAcked >= queued, `acknowledged ${summary.pushesAcked} of the ${queued} queued at the deadline`);
});
