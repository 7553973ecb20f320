import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createShutdown, type ShutdownSteps } from './graceful-shutdown.js';

/** Steps that record their order; the server closes when `finishClose` is called, the timeout fires on `expire`. */
function recordingSteps() {
  const events: string[] = [];
  let finishClose = (): void => undefined;
  let expire = (): void => undefined;
  const steps: ShutdownSteps = {
    jobs: { stop: async () => void events.push('jobs stopped') },
    server: {
      beginShutdown: () => void events.push('503 from now on'),
      close: () => new Promise<void>((resolve) => { events.push('closing'); finishClose = resolve; }),
      closeAllConnections: () => void events.push('connections cut'),
      inflightCount: () => 2,
    },
    closeServices: async () => void events.push('store closed'),
    timeoutMs: 10_000,
    delay: (ms) => new Promise<void>((resolve) => { events.push(`timeout ${ms} ms armed`); expire = resolve; }),
    logger: { warn: (fields, message) => void events.push(`warn ${message} ${JSON.stringify(fields)}`) },
  };
  return { steps, events, finishClose: () => finishClose(), expire: () => expire() };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('jobs stop first, then new requests get 503, the server closes, and the store closes last', async () => {
  const run = recordingSteps();
  const stop = createShutdown(run.steps);
  const stopped = stop();
  await settle();
  run.finishClose();
  await stopped;
  assert.deepEqual(run.events, ['jobs stopped', '503 from now on', 'closing', 'timeout 10000 ms armed', 'store closed']);
});

test('requests still running at the timeout have their connections cut, with a warning, before the store closes', async () => {
  const run = recordingSteps();
  const stopped = createShutdown(run.steps)();
  await settle();
  run.expire();
  await stopped;
  assert.deepEqual(run.events.slice(-3), ['warn shutdown timeout: closing remaining connections {"inflight":2}', 'connections cut', 'store closed']);
});

test('stopping twice runs the steps once', async () => {
  const run = recordingSteps();
  const stop = createShutdown(run.steps);
  const first = stop();
  const second = stop();
  assert.equal(first, second);
  await settle();
  run.finishClose();
  await first;
  assert.equal(run.events.filter((event) => event === 'store closed').length, 1);
});
