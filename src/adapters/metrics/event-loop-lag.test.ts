import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEventLoopLagSampler } from './event-loop-lag.js';

function holdLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('a loop held for 400 ms is observed as a second with at least 0.25 s of lag, and an idle second as under 0.2 s', async () => {
  const observed: number[] = [];
  let wake: () => void = () => undefined;
  const sampler = startEventLoopLagSampler((lagSeconds) => {
    observed.push(lagSeconds);
    wake();
  });
  const nextObservation = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  // The sampler's timer does not keep a process alive; this test must.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    await nextObservation();
    const idle = observed.at(-1) ?? Number.NaN;
    await new Promise((resolve) => setTimeout(resolve, 200));
    holdLoop(400);
    await nextObservation();
    assert.ok(idle < 0.2, `idle second observed ${idle} s`);
    assert.ok(Math.max(...observed.slice(1)) >= 0.25, `held second observed ${observed.slice(1).join(', ')} s`);
  } finally {
    clearInterval(keepAlive);
    sampler.stop();
  }
});
