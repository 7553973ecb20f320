// A cluster as deploy/ describes it: three OpenTPS nodes (--http) on one PostgreSQL behind the real nginx,
// running the site file we ship. The virtual fleet pushes and answers commands through nginx over
// HTTPS; one node is killed with SIGKILL mid-run. At the end every OKM the fleet saw acknowledged is
// stored exactly once and every command, queued before and after the kill, is answered.
// Skipped (with the reason) where PostgreSQL or nginx is missing; .ci/run provides both.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allAnswered, createFleetHarness, queuePingToEveryCwm, storedOkmKeys, waitUntil, type FleetHarness } from './support/fleet-harness.js';
import { findFreePort } from './support/free-port.js';
import { nginxSkipReason, startNginxBalancer } from './support/nginx-balancer.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const NODES = 3;

/** Established TCP connections whose local port is `port` (Linux /proc; IPv4 loopback). */
function establishedConnectionsTo(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '01';
    }).length;
}

const skip = (await postgresSkipReason()) || nginxSkipReason();

test('three nodes behind nginx on one PostgreSQL, one killed mid-run: every acknowledged OKM stored once, every command answered', { skip, timeout: 180_000 }, async () => {
  const database = await createTestDatabase('opentps_cluster');
  const dirs = Array.from({ length: NODES + 1 }, () => createTempDataDir());
  const nginxDir = dirs[NODES];
  assert.ok(nginxDir);
  const ports = await Promise.all(dirs.slice(0, NODES).map(() => findFreePort()));
  const nodeArgs = (port: number): string[] => [
    '--db', database.url, '--http', '--port', String(port), '--trusted-proxies', '127.0.0.1', '--delivery-lease-ms', '2000',
  ];
  const env = { OPENTPS_ADMIN_PASSWORD: 'cluster test password' };
  const nodes: ServerProcess[] = [];
  let harness: FleetHarness | null = null;
  let balancer: Awaited<ReturnType<typeof startNginxBalancer>> | null = null;
  // The command stream, stopped (and awaited) before the operator's pool ends, also when a check failed:
  // otherwise its next queueMessage fails on the ended pool and that error hides the one that counts.
  let isStreaming = true;
  let stream: Promise<void> = Promise.resolve();
  try {
    // Started one after another: the first migrates, the others find the schema current.
    for (const [i, port] of ports.entries()) nodes.push(await startServerProcess(dirs[i]?.path ?? '', nodeArgs(port), env));
    balancer = await startNginxBalancer(nginxDir.path, ports.map((port) => `127.0.0.1:${port}`));
    harness = await createFleetHarness({
      dataDir: dirs[0]?.path ?? '', db: database.url, url: balancer.url, ca: balancer.ca,
      devices: 30, okesPerCwm: 2, intervalMs: 500, maxBackoffMs: 2000, seed: 31,
    });
    const fleet = harness.fleet;
    fleet.start();
    const pingsBefore = await queuePingToEveryCwm(harness);
    // Commands keep coming all through the run, so that the killed node is likely to die holding leases.
    const streamed: number[] = [];
    stream = (async () => {
      for (let i = 0; isStreaming; i++) {
        const plan = harness.plans[i % harness.plans.length];
        if (plan) streamed.push((await harness.operator.queue.queueMessage({ destination: [plan.id], cmd: 'rd', payload: { _ping: true } })).id);
        // One command per CWM every 3 s: a virtual CWM pulls at most once a second (its pull's `req` carries the
        // time to the second and is never sent twice), so a command every 0.6 s each (20 ms here) kept every CWM
        // pulling for ever on a quiet machine, and none of them pushed again.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await waitUntil(async () => fleet.stats.pushesAcked >= 300, 30_000, 'pushes before the kill');
    // nginx spreads the fleet over all three nodes: each holds keep-alive connections from it.
    await waitUntil(async () => ports.every((port) => establishedConnectionsTo(port) > 0), 10_000, 'nginx to use every node');

    await nodes[1]?.stop('SIGKILL');
    const ackedAtKill = fleet.stats.pushesAcked;
    const pingsAfter = await queuePingToEveryCwm(harness);
    await waitUntil(async () => fleet.stats.pushesAcked >= ackedAtKill + 600, 40_000, 'the fleet to go on through the two nodes left');
    isStreaming = false;
    await stream;
    const commands = [...pingsBefore, ...pingsAfter, ...streamed];
    await waitUntil(() => allAnswered(harness!, commands), 40_000, 'every command to be answered');
    await fleet.stop(15_000);
    assert.equal(fleet.summary().queuedAtEnd, 0, 'the fleet delivered everything it had');

    const stored = await storedOkmKeys(harness.operator, harness.plans);
    const acked = fleet.stats.ackedKeys ?? new Set<string>();
    assert.ok(acked.size >= 300, `the fleet pushed through the cluster (${acked.size} acknowledged)`);
    assert.equal(stored.length, new Set(stored).size, 'no OKM stored twice');
    const storedSet = new Set(stored);
    assert.deepEqual([...acked].filter((key) => !storedSet.has(key)), [], 'every acknowledged OKM is stored');
    assert.equal(stored.length, acked.size, 'nothing stored that the fleet did not see acknowledged');

    // The shipped site file logs paths, never query strings: no signed URL sits in nginx's access log.
    const accessLog = readFileSync(balancer.accessLogFile, 'utf8');
    assert.ok(accessLog.includes('"POST /push HTTP/1.1" 200') && accessLog.includes('"GET /pull HTTP/1.1" 200'), 'the access log has the device requests');
    assert.equal(/sha256hmac|req=/i.test(accessLog), false, 'and no query string');

  } finally {
    isStreaming = false;
    await stream.catch(() => undefined);
    await harness?.fleet.stop();
    await harness?.close();
    await balancer?.stop();
    await Promise.all(nodes.map((node) => node.stop()));
    for (const dir of dirs) dir.remove();
    await database.drop();
  }
});
