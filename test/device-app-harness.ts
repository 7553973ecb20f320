// A device app built on a fresh data directory and driven with Fastify's inject (no open port), plus
// a way to wait for the writes a request leaves behind (traffic, delivery confirmations).

import { pino } from 'pino';
import type { SqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { loadConfig, type FlagValues } from '../src/config/load-config.js';
import type { Clock } from '../src/domain/clock.js';
import type { Store } from '../src/domain/store.js';
import { buildApp, openServices, type Services } from '../src/main.js';
import type { DeviceApp } from '../src/adapters/device-http/device-app.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

export interface DeviceAppHarness {
  readonly services: Services;
  readonly deviceApp: DeviceApp;
  readonly dataDir: TempDataDir;
  /** Registers `cwmId` with `key` (an explicit key, so tests can sign). */
  addDevice(cwmId: string, key?: string): Promise<string>;
  /** Waits until every write started by finished requests (traffic, delivery confirmations) has committed. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const TEST_KEY = 'test-provisioning-key-0001';

/** A clock the test moves by hand. */
export interface ManualClock extends Clock {
  advanceMs(ms: number): void;
}

export function createManualClock(startMs = Date.UTC(2026, 10, 24, 12)): ManualClock {
  let nowMs = startMs;
  return {
    nowMs: () => nowMs,
    advanceMs(ms) {
      nowMs += ms;
    },
  };
}

function isSqliteStore(store: Store): store is SqliteStore {
  return 'batcher' in store;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function createDeviceAppHarness(flags: FlagValues = {}, clock?: Clock): Promise<DeviceAppHarness> {
  const dataDir = createTempDataDir();
  const config = loadConfig({ data: dataDir.path, ...flags }, {});
  const services = await openServices(config, { clock });
  const deviceApp = buildApp(services, pino({ level: 'silent' }), null);
  await deviceApp.app.ready();
  const { store } = services;
  return {
    services,
    deviceApp,
    dataDir,
    async addDevice(cwmId, key = TEST_KEY) {
      const added = await services.registry.addDevice({ id: cwmId, key });
      return added.key;
    },
    async settle() {
      // onResponse hooks and 'finish' listeners run after inject resolves; each queues a batched write.
      for (let turn = 0; turn < 4; turn++) {
        await nextTurn();
        if (isSqliteStore(store)) await store.settle();
      }
    },
    async close() {
      await deviceApp.app.close();
      await store.close();
      dataDir.remove();
    },
  };
}
