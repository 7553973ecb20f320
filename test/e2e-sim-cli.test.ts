// `opentps sim` as an operator runs it: against the real server, registering its fleet in the
// server's data directory, for a few seconds, with a JSON summary at the end.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import type { LatencySummary } from '../src/simulator/latency-histogram.js';
import type { SimReport } from '../src/cli/sim-command.js';
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
    const summary = JSON.parse(run.stdout) as SimReport;
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
    // The same seed registers the same fleet: a second run finds its CWMs already there (this one without gwmac).
    const again = await runCliProcess(['sim', '--url', server.url, '--insecure', '--devices', '8', '--duration', '1', '--register', '--data', dir.path, '--seed', '3', '--no-gwmac', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /registered 0 virtual CWMs .* \(8 already there\)/);
  } finally {
    await server.stop();
    dir.remove();
  }
});

test('opentps sim --ramp-up: the measured figures cover only the time after the ramp-up, the whole-run figures everything', async () => {
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, ['--http']);
  try {
    const run = await runCliProcess([
      'sim', '--url', server.url, '--devices', '6', '--interval', '1', '--ramp-up', '2', '--duration', '4', '--register', '--data', dir.path, '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as SimReport;
    const measured = summary.measured;
    assert.ok(measured !== null);
    assert.deepEqual(Object.keys(summary.whole).sort(), ['count', 'maxMs', 'p50Ms', 'p99Ms'] satisfies (keyof LatencySummary)[]);
    assert.equal(summary.whole.count, summary.pushesAcked + summary.pullRequests, 'every answer is in the whole run');
    assert.equal(measured.fromS, 2);
    assert.equal(measured.toS, 4);
    assert.ok(measured.count > 0 && measured.count < summary.whole.count, `measured ${measured.count} of ${summary.whole.count}`);
    assert.equal(measured.count, measured.pushesAcked + measured.pullRequests);
    assert.ok(measured.maxMs <= summary.whole.maxMs && measured.p99Ms <= measured.maxMs);
    assert.deepEqual({ errors: measured.errors, busy: measured.busy, rejected: measured.rejected }, { errors: 0, busy: 0, rejected: 0 });
    assert.equal(summary.queuedAtEnd, 0);
    assert.equal(summary.inFlightAtEnd, 0);
    assert.deepEqual(Object.keys(summary.generator ?? {}).sort(), ['cpuPercent', 'eventLoopLagMaxMs', 'eventLoopLagP99Ms', 'rssMb']);
    // The benchmark reads the server's CPU at these two lines.
    assert.match(run.stderr, /measured window opens at 2 s[^]*measured window closed/);
  } finally {
    await server.stop();
    dir.remove();
  }
});

test('opentps sim stops at --duration plus --grace when the server accepts connections and never answers, reporting what it still holds', async () => {
  const sockets: Socket[] = [];
  const stalling = createServer((socket) => {
    sockets.push(socket);
    socket.resume();
  });
  stalling.listen(0, '127.0.0.1');
  await once(stalling, 'listening');
  const port = (stalling.address() as AddressInfo).port;
  try {
    // Plain HTTP (the request waits for its answer) and HTTPS (the TLS handshake never completes).
    const runs = await Promise.all(
      [`http://127.0.0.1:${port}`, `https://127.0.0.1:${port}`].map(async (url) => {
        const startedMs = performance.now();
        const run = await runCliProcess(['sim', '--url', url, '--insecure', '--devices', '5', '--interval', '1', '--ramp-up', '0', '--duration', '2', '--grace', '1', '--json']);
        return { url, run, seconds: (performance.now() - startedMs) / 1000 };
      }),
    );
    for (const { url, run, seconds } of runs) {
      // 3 s of run and grace plus the start-up of the process; without the bound a push waits 20 s for its answer.
      assert.ok(seconds < 10, `${url}: exited after ${seconds.toFixed(1)} s`);
      assert.equal(run.code, 1, `${url}: not everything was delivered`);
      const summary = JSON.parse(run.stdout) as SimReport;
      assert.equal(summary.inFlightAtEnd, 5, `${url}: each CWM's first push was still waiting`);
      assert.ok(summary.queuedAtEnd >= 2 * (5 + summary.okes), `${url}: two heartbeat rounds still queued (${summary.queuedAtEnd})`);
      assert.equal(summary.pushesAcked, 0);
      assert.equal(summary.errors, 0, `${url}: a request dropped at the bound is not a server error`);
    }
  } finally {
    for (const socket of sockets) socket.destroy();
    stalling.close();
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
