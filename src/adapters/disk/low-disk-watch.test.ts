import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { DiskSpaceReport } from './free-disk-space.js';
import { startLowDiskWatch } from './low-disk-watch.js';

const MIB = 1024 * 1024;

function reportWith(freeMiB: number): DiskSpaceReport {
  return { minFreeBytes: 100 * MIB, directories: [{ role: 'data', path: '/var/lib/opentps', freeBytes: freeMiB * MIB, totalBytes: 1000 * MIB, isLow: freeMiB < 100 }] };
}

function capturingLogger(): { lines: Array<[string, string]>; warn: (f: object, m: string) => void; info: (f: object, m: string) => void; error: (f: object, m: string) => void } {
  const lines: Array<[string, string]> = [];
  return {
    lines,
    warn: (_fields, message) => lines.push(['warn', message]),
    info: (_fields, message) => lines.push(['info', message]),
    error: (_fields, message) => lines.push(['error', message]),
  };
}

/** Lets the watch's statfs promise (here an immediate one) settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
afterEach(() => mock.timers.reset());

test('free space falling below the threshold is warned once, not at every check, and its return is logged', async () => {
  let freeMiB = 500;
  const logger = capturingLogger();
  const watch = startLowDiskWatch({ read: async () => reportWith(freeMiB), intervalMs: 5000, logger });
  await settle();
  assert.deepEqual(logger.lines, []);

  freeMiB = 40;
  for (let i = 0; i < 3; i++) {
    mock.timers.tick(5000);
    await settle();
  }
  assert.deepEqual(logger.lines, [
    ['warn', 'free disk space low: 40 MiB free under /var/lib/opentps (data), below --min-free-disk-mb 100; the store refuses writes when it runs out'],
  ]);

  freeMiB = 300;
  mock.timers.tick(5000);
  await settle();
  assert.deepEqual(logger.lines[1], ['info', 'free disk space back above the threshold: 300 MiB free under /var/lib/opentps (data)']);
  watch.stop();
});

test('a node started with too little free space warns at once', async () => {
  const logger = capturingLogger();
  const watch = startLowDiskWatch({ read: async () => reportWith(10), intervalMs: 60_000, logger });
  await settle();
  assert.equal(logger.lines.length, 1);
  assert.equal(logger.lines[0]?.[0], 'warn');
  watch.stop();
});
