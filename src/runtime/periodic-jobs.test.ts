import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startJobs, type IntervalScheduler, type JobFailure } from './periodic-jobs.js';

/** A scheduler whose intervals fire when the test says so. */
function manualScheduler(): IntervalScheduler & { fire(intervalMs: number): void; activeCount(): number } {
  const active = new Map<number, { run: () => void; intervalMs: number }>();
  let next = 0;
  return {
    setInterval(run, intervalMs) {
      next += 1;
      active.set(next, { run, intervalMs });
      return next;
    },
    clearInterval(handle) {
      active.delete(handle as number);
    },
    fire(intervalMs) {
      for (const timer of [...active.values()]) if (timer.intervalMs === intervalMs) timer.run();
    },
    activeCount: () => active.size,
  };
}

/** Lets the runs started by a fire settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('each job runs on its own interval, and at start only when it asks to', async () => {
  const scheduler = manualScheduler();
  const runs: string[] = [];
  const jobs = startJobs(
    [
      { name: 'fast', intervalMs: 1000, failureMessage: 'fast failed', run: () => void runs.push('fast') },
      { name: 'slow', intervalMs: 60_000, failureMessage: 'slow failed', isRunAtStart: true, run: () => void runs.push('slow') },
    ],
    { scheduler, reportFailure: () => assert.fail('no job fails') },
  );
  await settle();
  assert.deepEqual(runs, ['slow']);
  scheduler.fire(1000);
  scheduler.fire(1000);
  await settle();
  scheduler.fire(1000);
  await settle();
  assert.deepEqual(runs, ['slow', 'fast', 'fast']);
  scheduler.fire(60_000);
  await settle();
  assert.deepEqual(runs, ['slow', 'fast', 'fast', 'slow']);
  await jobs.stop();
});

test('a failing job is reported and counted, keeps its schedule, and does not stop the others', async () => {
  const scheduler = manualScheduler();
  const failures: JobFailure[] = [];
  let healthyRuns = 0;
  const jobs = startJobs(
    [
      { name: 'broken', intervalMs: 1000, failureMessage: 'broken failed', run: () => Promise.reject(new Error('disk full')) },
      { name: 'healthy', intervalMs: 1000, failureMessage: 'healthy failed', run: () => void (healthyRuns += 1) },
    ],
    { scheduler, reportFailure: (failure) => failures.push(failure) },
  );
  for (let i = 0; i < 3; i++) {
    scheduler.fire(1000);
    await settle();
  }
  assert.equal(healthyRuns, 3);
  assert.deepEqual(failures.map((f) => [f.job, f.message, (f.error as Error).message, f.failureCount]), [
    ['broken', 'broken failed', 'disk full', 1],
    ['broken', 'broken failed', 'disk full', 2],
    ['broken', 'broken failed', 'disk full', 3],
  ]);
  assert.equal(jobs.failureCount('broken'), 3);
  assert.equal(jobs.failureCount('healthy'), 0);
  await jobs.stop();
});

test('a job still running when its interval comes again is not started a second time', async () => {
  const scheduler = manualScheduler();
  let started = 0;
  let finish = (): void => undefined;
  const jobs = startJobs([{ name: 'slow-disk', intervalMs: 5000, failureMessage: 'slow-disk failed', run: () => new Promise<void>((resolve) => { started += 1; finish = resolve; }) }], {
    scheduler,
    reportFailure: () => assert.fail('no job fails'),
  });
  scheduler.fire(5000);
  scheduler.fire(5000);
  await settle();
  assert.equal(started, 1);
  finish();
  await settle();
  scheduler.fire(5000);
  await settle();
  assert.equal(started, 2);
  finish();
  await jobs.stop();
});

test('stop() clears every interval, waits for the run in progress, and no run starts afterwards', async () => {
  const scheduler = manualScheduler();
  const events: string[] = [];
  let finish = (): void => undefined;
  const jobs = startJobs(
    [
      { name: 'writing', intervalMs: 1000, failureMessage: 'writing failed', run: () => new Promise<void>((resolve) => { events.push('run started'); finish = resolve; }).then(() => void events.push('run finished')) },
      { name: 'other', intervalMs: 2000, failureMessage: 'other failed', run: () => void events.push('other') },
    ],
    { scheduler, reportFailure: () => assert.fail('no job fails') },
  );
  scheduler.fire(1000);
  await settle();
  const stopped = jobs.stop().then(() => void events.push('stopped'));
  assert.equal(scheduler.activeCount(), 0);
  await settle();
  assert.deepEqual(events, ['run started'], 'stop() waits for the running job');
  finish();
  await stopped;
  assert.deepEqual(events, ['run started', 'run finished', 'stopped']);
  assert.equal(jobs.stop(), jobs.stop(), 'stopping twice is one stop');
});
