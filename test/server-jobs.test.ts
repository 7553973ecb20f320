// The periodic jobs a server starts (src/runtime/server-jobs.ts), on a real embedded store: which jobs run,
// how often, which run at start, and what they log.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { loadConfig, type FlagValues } from '../src/config/load-config.js';
import { openServices, type Services } from '../src/main.js';
import { createServerJobs } from '../src/runtime/server-jobs.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

let dir: TempDataDir;
let opened: Services[] = [];
beforeEach(() => {
  dir = createTempDataDir();
});
afterEach(async () => {
  for (const services of opened) await services.close();
  opened = [];
  dir.remove();
});

async function servicesWith(flags: FlagValues): Promise<Services> {
  const services = await openServices(loadConfig({ data: dir.path, ...flags }, {}));
  opened.push(services);
  return services;
}

function capturingLogger(): { lines: Array<{ fields: object; message: string }>; info: (fields: object, message: string) => void; warn: (fields: object, message: string) => void } {
  const lines: Array<{ fields: object; message: string }> = [];
  return { lines, info: (fields, message) => void lines.push({ fields, message }), warn: (fields, message) => void lines.push({ fields, message }) };
}

test('a server runs expiry, retention (also at start), rollup flushes, the relay report, the write probe and the disk check (also at start)', async () => {
  const jobs = createServerJobs({ services: await servicesWith({}), logger: capturingLogger() });
  assert.deepEqual(
    jobs.map((job) => [job.name, job.intervalMs, job.isRunAtStart === true]),
    [
      ['expire-messages', 60_000, false],
      ['retention', 3_600_000, true],
      ['rollup-flush', 5_000, false],
      ['relay-report', 60_000, false],
      ['write-probe', 1000, false],
      ['low-disk-check', 5000, true],
    ],
  );
  for (const job of jobs) await job.run();
});

test('--min-free-disk-mb 0 leaves the disk check out', async () => {
  const jobs = createServerJobs({ services: await servicesWith({ 'min-free-disk-mb': '0' }), logger: capturingLogger() });
  assert.ok(!jobs.some((job) => job.name === 'low-disk-check'));
});

test('the relay report warns about the live events dropped since its last run only', async () => {
  const services = await servicesWith({});
  let dropped = 0;
  const logger = capturingLogger();
  const relayReport = createServerJobs({ services: { ...services, relayDroppedCount: () => dropped }, logger }).find((job) => job.name === 'relay-report');
  assert.ok(relayReport);
  await relayReport.run();
  dropped = 5;
  await relayReport.run();
  await relayReport.run();
  dropped = 7;
  await relayReport.run();
  assert.deepEqual(logger.lines, [
    { fields: { dropped: 5, total: 5 }, message: 'live events not relayed to the other nodes' },
    { fields: { dropped: 2, total: 7 }, message: 'live events not relayed to the other nodes' },
  ]);
});

test('a failed rollup write is described by what waits in memory for the next run', async () => {
  const services = await servicesWith({});
  const rollupFlush = createServerJobs({ services, logger: capturingLogger() }).find((job) => job.name === 'rollup-flush');
  assert.deepEqual(rollupFlush?.describeFailure?.(), { pendingBuckets: 0, droppedBuckets: 0 });
});
