import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiskSpaceReport } from './free-disk-space.js';
import { createLowDiskCheck } from './low-disk-check.js';

const MIB = 1024 * 1024;

function reportWith(freeMiB: number): DiskSpaceReport {
  return { minFreeBytes: 100 * MIB, directories: [{ role: 'data', path: '/var/lib/opentps', freeBytes: freeMiB * MIB, totalBytes: 1000 * MIB, isLow: freeMiB < 100 }] };
}

function capturingLogger(): { lines: Array<[string, string]>; warn: (f: object, m: string) => void; info: (f: object, m: string) => void } {
  const lines: Array<[string, string]> = [];
  return {
    lines,
    warn: (_fields, message) => lines.push(['warn', message]),
    info: (_fields, message) => lines.push(['info', message]),
  };
}

test('free space falling below the threshold is warned once, not at every check, and its return is logged', async () => {
  let freeMiB = 500;
  const logger = capturingLogger();
  const check = createLowDiskCheck({ read: async () => reportWith(freeMiB), logger });
  await check();
  assert.deepEqual(logger.lines, []);

  freeMiB = 40;
  for (let i = 0; i < 3; i++) await check();
  assert.deepEqual(logger.lines, [
    ['warn', 'free disk space low: 40 MiB free under /var/lib/opentps (data), below --min-free-disk-mb 100; the store refuses writes when it runs out'],
  ]);

  freeMiB = 300;
  await check();
  assert.deepEqual(logger.lines[1], ['info', 'free disk space back above the threshold: 300 MiB free under /var/lib/opentps (data)']);
});

test('a node started with too little free space warns at its first check', async () => {
  const logger = capturingLogger();
  await createLowDiskCheck({ read: async () => reportWith(10), logger })();
  assert.equal(logger.lines.length, 1);
  assert.equal(logger.lines[0]?.[0], 'warn');
});

test('a failed read rejects for the caller to report, and the next check works', async () => {
  const logger = capturingLogger();
  let isFailing = true;
  const check = createLowDiskCheck({ read: async () => (isFailing ? Promise.reject(new Error('EIO')) : reportWith(10)), logger });
  await assert.rejects(check(), /EIO/);
  isFailing = false;
  await check();
  assert.equal(logger.lines[0]?.[0], 'warn');
});
