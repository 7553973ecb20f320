// Runs a virtual fleet against a server process, with the operator side (queueing, reading the
// store) done through a second connection to the same data directory, as the CLI does.

import { loadConfig } from '../../src/config/load-config.js';
import { openServices, type Services } from '../../src/main.js';
import { planFleet, type PlannedCwm } from '../../src/simulator/fleet-plan.js';
import { createSimTransport, type SimTransport } from '../../src/simulator/sim-transport.js';
import { VirtualFleet } from '../../src/simulator/virtual-fleet.js';

export interface FleetHarness {
  readonly plans: PlannedCwm[];
  readonly fleet: VirtualFleet;
  readonly operator: Services;
  readonly transport: SimTransport;
  close(): Promise<void>;
}

export async function createFleetHarness(options: {
  dataDir: string;
  url: string;
  ca: string | null;
  devices: number;
  okesPerCwm: number;
  intervalMs: number;
  maxBackoffMs: number;
  seed: number;
  /** The PostgreSQL URL the server uses (--db); the data directory's SQLite store when absent. */
  db?: string;
}): Promise<FleetHarness> {
  const operator = await openServices(loadConfig({ data: options.dataDir, 'max-queued': '1000', ...(options.db === undefined ? {} : { db: options.db }) }, {}));
  const plans = planFleet({ devices: options.devices, okesPerCwm: options.okesPerCwm, seed: options.seed });
  for (const plan of plans) await operator.registry.addDevice({ id: plan.id, key: plan.key, name: `virtual ${plan.index}` });
  const transport = createSimTransport({ baseUrl: options.url, isInsecure: false, ca: options.ca ?? undefined, timeoutMs: 20_000 });
  const lines: string[] = [];
  const fleet = new VirtualFleet({
    plans,
    transport,
    intervalMs: options.intervalMs,
    maxBackoffMs: options.maxBackoffMs,
    isTrackingAcks: true,
    log: (line) => lines.push(line),
  });
  return {
    plans,
    fleet,
    operator,
    transport,
    async close() {
      await transport.close();
      await operator.store.close();
    },
  };
}

/** The text of every OKM stored for the fleet's CWMs, duplicates included. */
export async function storedOkmKeys(services: Services, plans: readonly PlannedCwm[]): Promise<string[]> {
  const keys: string[] = [];
  for (const plan of plans) {
    for (const okm of await services.store.listOkms({ cwmId: plan.id, limit: 1_000_000 })) keys.push(okm.rawOkm);
  }
  return keys;
}

/** Resolves once `check` is true, polling the store (the server is another process: no event to await). */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Queues a `_ping` to the first OKE of every CWM (to the CWM itself when it has none); the message ids. */
export async function queuePingToEveryCwm(harness: FleetHarness): Promise<number[]> {
  const ids: number[] = [];
  for (const plan of harness.plans) {
    const oke = plan.okes[0];
    const message = await harness.operator.queue.queueMessage({ destination: [oke?.id ?? plan.id, plan.id], cmd: 'rd', payload: { _ping: true } });
    ids.push(message.id);
  }
  return ids;
}

export async function allAnswered(harness: FleetHarness, ids: readonly number[]): Promise<boolean> {
  for (const id of ids) if ((await harness.operator.store.findMessage(id))?.state !== 'answered') return false;
  return true;
}
