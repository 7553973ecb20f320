// Disk full, for real: a server process whose data directory is on a 64 MB tmpfs, pushed until the disk
// is full. Devices get 503 ERR_STORE_UNAVAILABLE, /healthz says 503 and why, the log stays small, the
// free-space warning comes first; once the filler file is deleted pushes are stored again within seconds,
// /healthz is back to 200, and every push acknowledged along the way is in the store.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { createDeviceHttpClient, type DeviceHttpClient, type DeviceResponse } from './support/device-http-client.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess, type ServerProcess } from './support/server-process.js';
import { mountSmallFilesystem } from './support/small-filesystem.js';

const CWM = '0002000000d15cf0';
const MIB = 1024 * 1024;
const WORKERS = 4;
/** Refused pushes to collect while the disk is full: enough that logging each would show in the log size. */
const REFUSALS_WANTED = 2000;
/** Bounds of the push loops, so that a server that never fills or never recovers fails the test instead of hanging it. */
const MAX_PUSHES = 30_000;
const FILL_DEADLINE_MS = 60_000;
/** How soon after the filler is deleted /healthz must be 200 again (the probe write runs every second). */
const RECOVERY_LIMIT_MS = 5000;
/** The whole log of the run, start-up to stop, with tens of thousands of refused requests in it. */
const MAX_LOG_BYTES = 64 * 1024;
const MAX_LOG_LINES = 100;

/** 8 KB of padding: the 64 MB disk fills after some thousands of pushes, not millions. */
const PADDING = 'x'.repeat(8000);

interface HealthApi {
  readonly status: string;
  readonly store: { readonly isAvailable: boolean; readonly reason: string | null; readonly failedWrites: number; readonly failingSince: string | null };
  readonly disk: { readonly minFreeBytes: number; readonly directories: ReadonlyArray<{ readonly role: string; readonly isLow: boolean; readonly freeBytes: number }> };
}

/**
 * Asks /healthz until it answers `status` and returns how long that took (null: not within `timeoutMs`).
 * Polled, as a load balancer does: the node announces its recovery in the log only once per 10 s.
 */
async function waitForHealthz(client: DeviceHttpClient, status: number, timeoutMs: number): Promise<number | null> {
  const startedAtMs = Date.now();
  while (Date.now() - startedAtMs < timeoutMs) {
    if ((await client.send('GET', '/healthz')).status === status) return Date.now() - startedAtMs;
    await delay(50);
  }
  return null;
}

async function readHealthApi(client: DeviceHttpClient, token: string): Promise<HealthApi> {
  const response = await client.send('GET', '/api/v1/health', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body) as HealthApi;
}

test('on a full disk devices get 503 ERR_STORE_UNAVAILABLE and /healthz 503 "disk full" with a small log; with space back pushes are stored within seconds and none acknowledged is lost', async (t) => {
  const filesystem = await mountSmallFilesystem(64);
  if ('skipReason' in filesystem) return t.skip(filesystem.skipReason);
  const dataDir = join(filesystem.path, 'data');
  let server: ServerProcess | null = null;
  let client: DeviceHttpClient | null = null;
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--data', dataDir])).stdout.trim();
    server = await startServerProcess(dataDir, ['--http', '--device-requests-per-minute', '0', '--min-free-disk-mb', '16'], { OPENTPS_ADMIN_PASSWORD: 'disk full test password' });
    const token = (await runCliProcess(['token', 'create', 'admin', '--data', dataDir])).stdout.trim();
    const running = server;
    const device = createDeviceHttpClient(server.url, null);
    client = device;

    const healthy = await device.send('GET', '/healthz');
    assert.deepEqual([healthy.status, healthy.body], [200, '{"status":"ok"}']);
    assert.equal((await readHealthApi(device, token)).status, 'ok');

    // Less free space than --min-free-disk-mb: warned in the log and the health API before any write fails.
    filesystem.fillLeaving(8 * MIB);
    const warning = await running.waitForLogLine(/free disk space low/, 15_000);
    assert.match(warning, /"level":40/);
    const warned = await readHealthApi(device, token);
    assert.equal(warned.status, 'warning');
    assert.equal(warned.disk.minFreeBytes, 16 * MIB);
    assert.deepEqual(warned.disk.directories.map((directory) => [directory.role, directory.isLow]), [['data', true]]);

    const acked = new Set<number>();
    const unexpected: string[] = [];
    let refused = 0;
    let nextId = 1;
    const push = async (): Promise<DeviceResponse> => {
      const id = nextId++;
      const response = await device.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id, payload: { _hbt: { pad: PADDING } } })), key));
      if (response.status === 200 && response.body === '{"push":true,"pull":false}') acked.add(id);
      else if (response.status === 503 && response.body === '{"push":false,"pull":false,"error":"ERR_STORE_UNAVAILABLE"}' && response.headers['retry-after'] === '5') refused++;
      else unexpected.push(`${response.status} ${response.body}`);
      return response;
    };

    const fillStartedAt = Date.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (refused < REFUSALS_WANTED && nextId <= MAX_PUSHES && Date.now() - fillStartedAt < FILL_DEADLINE_MS) await push();
      }),
    );
    assert.deepEqual(unexpected.slice(0, 5), [], 'every push was stored or refused as ERR_STORE_UNAVAILABLE');
    assert.ok(refused >= REFUSALS_WANTED, `the disk filled up: ${refused} refused, ${acked.size} stored`);
    assert.ok(acked.size > 0, 'pushes were stored until the disk was full');

    const full = await device.send('GET', '/healthz');
    assert.equal(full.status, 503);
    assert.equal(full.body, '{"status":"unavailable","error":"ERR_STORE_UNAVAILABLE","reason":"disk full"}');
    assert.equal(full.headers['retry-after'], '5');
    const failing = await readHealthApi(device, token);
    assert.equal(failing.status, 'unavailable');
    assert.equal(failing.store.isAvailable, false);
    assert.equal(failing.store.reason, 'disk full');
    assert.ok(failing.store.failedWrites > 0 && failing.store.failingSince !== null);
    await running.waitForLogLine(/store writes failing \(disk full\)/, 1000);

    // Space comes back. No device pushes meanwhile (a load balancer has taken the node out of rotation):
    // the node's own probe write finds the store writable and /healthz is 200 again, without a restart.
    filesystem.removeFiller();
    const healthyAgainMs = await waitForHealthz(device, 200, RECOVERY_LIMIT_MS);
    assert.ok(healthyAgainMs !== null, `/healthz answered 200 within ${RECOVERY_LIMIT_MS} ms of space coming back`);
    const recovered = await device.send('GET', '/healthz');
    assert.deepEqual([recovered.status, recovered.body], [200, '{"status":"ok"}']);
    assert.equal((await readHealthApi(device, token)).store.isAvailable, true);
    const after = await push();
    assert.deepEqual([after.status, after.body], [200, '{"push":true,"pull":false}']);
    t.diagnostic(`stored ${acked.size - 1}, refused ${refused} while full; /healthz 200 again ${healthyAgainMs} ms after space came back`);

    device.close();
    client = null;
    assert.equal(await running.stop(), 0);
    server = null;

    // A refusal is logged once per interval with a count, not once per request with two stacks.
    const logBytes = running.logLines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    t.diagnostic(`log: ${running.logLines.length} lines, ${logBytes} bytes for ${refused} refused pushes`);
    assert.ok(running.logLines.length <= MAX_LOG_LINES, `${running.logLines.length} log lines:\n${running.logLines.slice(0, 20).join('\n')}`);
    assert.ok(logBytes <= MAX_LOG_BYTES, `${logBytes} bytes of log`);
    assert.ok(running.logLines.some((line) => /device request failed \(\d+ more like it/.test(line)), 'the refusals were counted in the log');

    const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 });
    try {
      const stored = new Set((await store.listOkms({ cwmId: CWM, limit: MAX_PUSHES })).map((okm) => okm.okmId));
      const lost = [...acked].filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], `every acknowledged push is stored (${acked.size} acknowledged)`);
    } finally {
      await store.close();
    }
  } finally {
    client?.close();
    await server?.stop('SIGKILL');
    await filesystem.unmount();
  }
});
