// `opentps sim` as an operator runs it: against the real server, registering its fleet in the
// server's data directory, for a few seconds, with a JSON summary at the end.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

test('opentps sim --register runs a seeded fleet against the server and prints a JSON summary that matches what was stored', async () => {
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path);
  try {
    const run = await runCliProcess([
      'sim', '--url', server.url, '--insecure', '--devices', '8', '--okes-per-cwm', '2', '--interval', '1', '--duration', '4',
      '--register', '--data', dir.path, '--seed', '3', '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { devices: number; devicesUp: number; pushesAcked: number; errors: number; queuedAtEnd: number };
    assert.equal(summary.devices, 8);
    assert.equal(summary.devicesUp, 8);
    assert.equal(summary.errors, 0);
    assert.equal(summary.queuedAtEnd, 0);
    assert.ok(summary.pushesAcked >= 8 * 2 * 2, `acked ${summary.pushesAcked}`);
    const store = openSqliteStore({ dataDir: dir.path, durability: 'normal', busyTimeoutMs: 5000 });
    try {
      const devices = await store.listDevices(Date.now());
      assert.equal(devices.length, 8);
      // Stored OKMs, counted in the partitions (the devices' counters follow within a second: device-activity.ts).
      const stored = await Promise.all(devices.map((device) => store.countOkms(device.id)));
      assert.equal(stored.reduce((sum, n) => sum + n, 0), summary.pushesAcked, 'every acknowledged push stored once');
    } finally {
      await store.close();
    }
    // The same seed registers the same fleet: a second run finds its CWMs already there.
    const again = await runCliProcess(['sim', '--url', server.url, '--insecure', '--devices', '8', '--duration', '1', '--register', '--data', dir.path, '--seed', '3', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /registered 0 virtual CWMs .* \(8 already there\)/);
  } finally {
    await server.stop();
    dir.remove();
  }
});

test('opentps sim refuses a URL with a path and a non-numeric device count, naming the flag', async () => {
  const badUrl = await runCliProcess(['sim', '--url', 'https://tps.example.com/push']);
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /ERR_CLI_USAGE: .*--url/);
  const badCount = await runCliProcess(['sim', '--url', 'https://127.0.0.1:1', '--devices', 'many']);
  assert.equal(badCount.code, 2);
  assert.match(badCount.stderr, /--devices: expected a whole number/);
});
