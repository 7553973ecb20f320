// The virtual fleet against the real server, on SQLite and on PostgreSQL: 50 CWMs heartbeating over HTTPS,
// commands to every one, a kill -9 in the middle of a run, and an overloaded server. At the end, what the fleet saw
// acknowledged and what the server stored are the same set, each OKM once.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allAnswered, createFleetHarness, queuePingToEveryCwm, storedOkmKeys, waitUntil, type FleetHarness } from './support/fleet-harness.js';
import { findFreePort } from './support/free-port.js';
import { startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';

/** The fleet tests run on the embedded store and, where it is reachable, on PostgreSQL (--db). */
interface Backend {
  readonly label: string;
  readonly skip: string | false;
  /** Server arguments and the harness's `db`, and how to remove what was created. */
  open(): Promise<{ args: string[]; db?: string; remove(): Promise<void> }>;
}

const BACKENDS: readonly Backend[] = [
  { label: 'SQLite', skip: false, open: async () => ({ args: [], remove: async () => undefined }) },
  {
    label: 'PostgreSQL',
    skip: await postgresSkipReason(),
    async open() {
      const database = await createTestDatabase('opentps_fleet');
      return { args: ['--db', database.url], db: database.url, remove: () => database.drop() };
    },
  },
];

async function assertStoredEqualsAcked(harness: FleetHarness): Promise<void> {
  const stored = await storedOkmKeys(harness.operator, harness.plans);
  const acked = harness.fleet.stats.ackedKeys ?? new Set<string>();
  assert.ok(acked.size > 0);
  assert.equal(stored.length, new Set(stored).size, 'no OKM stored twice');
  const storedSet = new Set(stored);
  const missing = [...acked].filter((key) => !storedSet.has(key));
  assert.deepEqual(missing, [], 'every acknowledged OKM is stored');
  assert.equal(stored.length, acked.size, 'nothing stored that the fleet did not see acknowledged');
}

for (const backend of BACKENDS) test(`${backend.label}: 50 virtual CWMs over HTTPS: every acknowledged heartbeat stored once, pings answered, port and relay commands take effect`, { skip: backend.skip }, async () => {
  const dir = createTempDataDir();
  const store = await backend.open();
  const server = await startServerProcess(dir.path, store.args);
  const harness = await createFleetHarness({ dataDir: dir.path, ...(store.db === undefined ? {} : { db: store.db }), url: server.url, ca: server.ca, devices: 50, okesPerCwm: 2, intervalMs: 2000, maxBackoffMs: 2000, seed: 42 });
  try {
    harness.fleet.start();
    const pings = await queuePingToEveryCwm(harness);
    const first = harness.plans[0];
    const second = harness.plans[1];
    const relayOke = second?.okes[0];
    assert.ok(first && second && relayOke);
    const port = await harness.operator.queue.queueMessage({ destination: [first.id], cmd: 'wr', payload: { oke: { port: '232', baud: 9600 } } });
    const relay = await harness.operator.queue.queueMessage({ destination: [relayOke.id, second.id], cmd: 'wr', payload: { cmd: { relay: 1 } } });
    await waitUntil(() => allAnswered(harness, [...pings, port.id, relay.id]), 20_000, 'every command to be answered');
    assert.deepEqual((await harness.operator.store.findMessage(port.id))?.result, { oke: { port: '232', baud: 9600 }, ok: true });
    const stateOf = async (cwmId: string, deviceId: string) =>
      (await harness.operator.store.listDeviceStates(cwmId)).find((state) => state.deviceId === deviceId);
    // Heartbeats already queued in the CWM when the command ran still carry the old values; the next ones
    // generated after it must show the change (the CWM heartbeats every 2 s here).
    await waitUntil(async () => (await stateOf(first.id, first.id))?.lastHeartbeat?.['port'] === '232', 10_000, 'a CWM heartbeat with the new port');
    assert.equal((await stateOf(first.id, first.id))?.lastHeartbeat?.['baud'], 9600);
    // The example dictionaries have no relay field, so the relay is read back with rd, not from a heartbeat.
    const readRelay = await harness.operator.queue.queueMessage({ destination: [relayOke.id, second.id], cmd: 'rd', payload: { relay: null } });
    await waitUntil(() => allAnswered(harness, [readRelay.id]), 10_000, 'the relay to be read back');
    assert.deepEqual((await harness.operator.store.findMessage(readRelay.id))?.result, { relay: 1 });
    const serialNo = relayOke.id.slice(relayOke.model.length).toUpperCase();
    await waitUntil(async () => (await stateOf(second.id, relayOke.id))?.lastHeartbeat?.['serial_no'] === serialNo, 10_000, 'an OKE heartbeat with its dictionary fields');

    await waitUntil(async () => harness.fleet.stats.pushesAcked >= 50 * 2.5 * 6, 30_000, 'a few heartbeat rounds');
    await harness.fleet.stop(10_000);
    const summary = harness.fleet.summary();
    assert.equal(summary.queuedAtEnd, 0);
    assert.equal(summary.errors, 0);
    assert.equal(summary.rejected, 0);
    assert.ok(summary.commandsAnswered >= 53);
    await assertStoredEqualsAcked(harness);
  } finally {
    await harness.fleet.stop();
    await harness.close();
    await server.stop();
    dir.remove();
    await store.remove();
  }
});

for (const backend of BACKENDS) test(`${backend.label}: kill -9 while the fleet pushes: after a restart the stored set equals the acknowledged set and every command is answered`, { skip: backend.skip }, async () => {
  const dir = createTempDataDir();
  const store = await backend.open();
  const port = await findFreePort();
  const args = ['--port', String(port), '--delivery-lease-ms', '2000', ...store.args];
  let server = await startServerProcess(dir.path, args);
  const harness = await createFleetHarness({ dataDir: dir.path, ...(store.db === undefined ? {} : { db: store.db }), url: server.url, ca: server.ca, devices: 30, okesPerCwm: 2, intervalMs: 1000, maxBackoffMs: 2000, seed: 7 });
  try {
    harness.fleet.start();
    const pings = await queuePingToEveryCwm(harness);
    await waitUntil(async () => harness.fleet.stats.pushesAcked >= 150, 20_000, 'pushes before the kill');
    await server.stop('SIGKILL');
    const ackedAtKill = harness.fleet.stats.pushesAcked;
    server = await startServerProcess(dir.path, args);
    await waitUntil(async () => harness.fleet.stats.pushesAcked >= ackedAtKill + 150, 30_000, 'the fleet to resume after the restart');
    await waitUntil(() => allAnswered(harness, pings), 30_000, 'every ping to be answered');
    await harness.fleet.stop(15_000);
    assert.equal(harness.fleet.summary().queuedAtEnd, 0);
    assert.ok(harness.fleet.stats.errors > 0, 'the fleet saw the crash');
    await assertStoredEqualsAcked(harness);
  } finally {
    await harness.fleet.stop();
    await harness.close();
    await server.stop();
    dir.remove();
    await store.remove();
  }
});

for (const backend of BACKENDS) test(`${backend.label}: an overloaded server answers 503 + Retry-After, the fleet backs off, and nothing is lost`, { skip: backend.skip }, async () => {
  const dir = createTempDataDir();
  const store = await backend.open();
  const server = await startServerProcess(dir.path, ['--http', '--max-inflight', '2', '--retry-after', '1', ...store.args]);
  const harness = await createFleetHarness({ dataDir: dir.path, ...(store.db === undefined ? {} : { db: store.db }), url: server.url, ca: null, devices: 40, okesPerCwm: 3, intervalMs: 500, maxBackoffMs: 2000, seed: 99 });
  try {
    harness.fleet.start();
    await waitUntil(async () => harness.fleet.stats.busy > 0 && harness.fleet.stats.pushesAcked >= 400, 30_000, 'busy answers under load');
    await harness.fleet.stop(20_000);
    const summary = harness.fleet.summary();
    assert.ok(summary.busy > 0, 'the server shed load');
    assert.equal(summary.queuedAtEnd, 0, 'every generated OKM was eventually acknowledged');
    assert.equal(summary.errors, 0);
    await assertStoredEqualsAcked(harness);
  } finally {
    await harness.fleet.stop();
    await harness.close();
    await server.stop();
    dir.remove();
    await store.remove();
  }
});
