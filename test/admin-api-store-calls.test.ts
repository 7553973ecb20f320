// The console's reads cost what they answer, not the fleet (issue 13, STYLE.md "cost follows the
// answer"). The admin API is built by the same code as production (buildApp) over a real store wrapped
// to count its calls: a request makes the same store calls with 1,000 devices as with 10, none of them a
// whole-fleet listing. Below the port, the SQL each fleet read runs is counted too (SQLite's own trace):
// a few statements per call, whatever the fleet's size.

import { FLEET_PROBLEM_RULES } from '../src/domain/fleet-overview.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { loadConfig } from '../src/config/load-config.js';
import type { DeviceQuery } from '../src/domain/device-query.js';
import { DEVICE_SORT_KEYS } from '../src/domain/device-query.js';
import { DEVICE_STATUSES } from '../src/domain/device-status.js';
import type { Store } from '../src/domain/store.js';
import { buildApp, openServices, type Services } from '../src/main.js';
import { SQLITE_FILE_NAME } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { createSqliteFleetQueries } from '../src/adapters/storage/sqlite/sqlite-fleet-queries.js';
import { newMessage, pushRecord } from './contract/store-fixtures.js';
import { createManualClock } from './device-app-harness.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const clock = createManualClock();

function cwmIdOf(index: number): string {
  return `0002${index.toString(16).padStart(12, '0')}`;
}

/** `count` registered CWMs that have pushed; one in five has a queued message, one in ten a CRC failure, one in three is offline. */
async function seedFleet(store: Store, count: number): Promise<void> {
  const nowMs = clock.nowMs();
  for (let i = 0; i < count; i++) {
    const id = cwmIdOf(i);
    await store.addDevice({ id, key: `key-of-${id}`, name: i % 2 === 0 ? `Fryer ${i}` : null, createdAtMs: nowMs - 86_400_000 });
    const seenAtMs = i % 3 === 0 ? nowMs - 3_600_000 : nowMs - 1000;
    await store.recordPush(pushRecord(id, { okmId: 1, receivedAtMs: seenAtMs, crcVerdict: i % 10 === 0 ? 'mismatch' : 'valid', heartbeat: { ti: 40 } }));
    if (i % 5 === 0) await store.enqueueMessage(newMessage(id, { createdAtMs: nowMs, expiresAtMs: nowMs + 3_600_000 }));
  }
}

interface CountedFleet {
  readonly services: Services;
  readonly dataDir: TempDataDir;
  /** The store methods the last request called, with how many times each. */
  callsOf(url: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

async function openCountedFleet(deviceCount: number): Promise<CountedFleet> {
  const dataDir = createTempDataDir();
  const services = await openServices(loadConfig({ data: dataDir.path }, {}), { clock });
  await seedFleet(services.store, deviceCount);
  const calls = new Map<string, number>();
  const counted = new Proxy(services.store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return Reflect.apply(value, target, args);
      };
    },
  });
  const app = buildApp({ ...services, store: counted }, pino({ level: 'silent' }), null).app;
  await app.ready();
  await services.auth.addOperator('admin', 'correct horse battery staple');
  const authorization = `Bearer ${await services.auth.createApiToken('admin', 'store calls test')}`;
  return {
    services,
    dataDir,
    async callsOf(url) {
      calls.clear();
      const response = await app.inject({ method: 'GET', url, headers: { authorization } });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      return Object.fromEntries([...calls].sort(([a], [b]) => a.localeCompare(b)));
    },
    async close() {
      await app.close();
      await services.close();
      dataDir.remove();
    },
  };
}

const CONSOLE_READS = [
  '/api/v1/fleet',
  '/api/v1/devices',
  '/api/v1/devices?sort=queued&order=desc&limit=50',
  '/api/v1/devices?sort=name&status=offline&search=fryer&offset=3',
  `/api/v1/devices/${cwmIdOf(5)}`,
];

describe('store calls per admin API request', () => {
  let small: CountedFleet;
  let large: CountedFleet;
  before(async () => {
    small = await openCountedFleet(10);
    large = await openCountedFleet(1000);
  });
  after(async () => {
    await small.close();
    await large.close();
  });

  test('each console read makes the same few store calls with 1,000 devices as with 10, and none lists the whole fleet', async () => {
    for (const url of CONSOLE_READS) {
      const withTen = await small.callsOf(url);
      const withThousand = await large.callsOf(url);
      assert.deepEqual(withThousand, withTen, url);
      const total = Object.values(withThousand).reduce((sum, n) => sum + n, 0);
      assert.ok(total <= 4, `${url} made ${total} store calls: ${JSON.stringify(withThousand)}`);
      for (const wholeFleet of ['listDevices', 'listMessages']) assert.equal(withThousand[wholeFleet], undefined, `${url} called ${wholeFleet}`);
    }
  });

  test('a fleet read runs a few SQL statements whatever the size of the fleet', async () => {
    type FleetRead = (queries: ReturnType<typeof createSqliteFleetQueries>) => Promise<unknown>;
    const statementsPerCall = async (fleet: CountedFleet, read: FleetRead): Promise<number> => {
      let statements = 0;
      const db = new Database(`${fleet.dataDir.path}/${SQLITE_FILE_NAME}`, { readonly: true, verbose: () => statements++ });
      try {
        await read(createSqliteFleetQueries(db));
        return statements;
      } finally {
        db.close();
      }
    };
    const nowMs = clock.nowMs();
    const reads: Array<[string, FleetRead]> = [['summarizeFleet', (q) => q.summarizeFleet(nowMs, 10, FLEET_PROBLEM_RULES)]];
    for (const sort of DEVICE_SORT_KEYS) {
      for (const status of [null, ...DEVICE_STATUSES]) {
        const query: DeviceQuery = { search: status === 'offline' ? 'fryer' : null, status, sort, order: 'desc', limit: 50, offset: 3 };
        reads.push([JSON.stringify(query), (q) => q.queryDevices(query, nowMs)]);
      }
    }
    for (const [label, read] of reads) {
      const withTen = await statementsPerCall(small, read);
      const withThousand = await statementsPerCall(large, read);
      assert.ok(withTen >= 1 && withTen <= 7, `${label}: ${withTen} statements with 10 devices`);
      assert.ok(withThousand >= 1 && withThousand <= 7, `${label}: ${withThousand} statements with 1,000 devices`);
    }
  });
});
