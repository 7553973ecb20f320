// Contract for the fleet as the console reads it (FleetReadStore, countQueuedMessages): the store's own
// filtering, sorting, paging and counting must give what the whole-fleet listing and the domain's
// deriveDeviceStatus give, on a small fleet with every status, problem and tie the queries care about.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_SORT_KEYS, type DeviceQuery } from '../../src/domain/device-query.js';
import { DEVICE_STATUSES, deriveDeviceStatus } from '../../src/domain/device-status.js';
import type { DeviceSummary } from '../../src/domain/device-store.js';
import { FLEET_PROBLEM_RULES } from '../../src/domain/fleet-overview.js';
import type { Store } from '../../src/domain/store.js';
import { HOUR_MS, T0, newMessage, pushRecord, type ContractContext } from './store-fixtures.js';

const NOW = T0 + 10 * 60_000;
const DAY_MS = 86_400_000;
/** Online with the default interval: seen at most 3 x 60 s + 30 s ago. */
const DEFAULT_BOUND_MS = 210_000;

const NORTH = '0002000000000001';
const SOUTH = '0002000000000002';
const LOST = '0002000000000003';
const NEVER = '0002000000000004';
const FAST = '0002000000000005';
const OKE_NORTH = '0363000000000001';

async function register(store: Store, id: string, name: string | null): Promise<void> {
  await store.addDevice({ id, key: `key-of-${id}`, name, createdAtMs: T0 - DAY_MS });
}

/** A heartbeat of the CWM itself at `atMs` (its own heartbeats set its typical interval). */
async function beat(store: Store, cwmId: string, okmId: number, atMs: number, overrides: Parameters<typeof pushRecord>[1] = {}): Promise<void> {
  await store.recordPush(pushRecord(cwmId, { okmId, receivedAtMs: atMs, heartbeat: { ti: 40 }, payload: { _hbt: { ti: 40 } }, ...overrides }));
}

/**
 * Five CWMs at NOW: NORTH online (60 s rhythm, 2 CRC failures, an OKE, 1 queued and 1 overdue), SOUTH online
 * at exactly the default bound (12 queued: a backlog), LOST just past it (1 CRC failure, 2 queued, 1 message
 * expired two minutes after T0), NEVER never seen (1 message expired two days ago), FAST offline at 70 s because
 * its own rhythm is 10 s. Names differ in case, one is missing; counts tie so that ids break ties.
 */
async function seedFleet(store: Store): Promise<void> {
  await register(store, NORTH, 'Fryer North');
  await register(store, SOUTH, 'fryer south');
  await register(store, LOST, null);
  await register(store, NEVER, 'Oven');
  await register(store, FAST, 'oven 2');
  await store.enqueueMessage(newMessage(NEVER, { createdAtMs: T0 - 3 * DAY_MS, expiresAtMs: T0 - 3 * DAY_MS + 60_000 }));
  await store.expireMessages(T0 - 2 * DAY_MS);

  await beat(store, NORTH, 1, NOW - 120_000);
  await store.recordPush(pushRecord(NORTH, { originId: OKE_NORTH, okmId: 1, receivedAtMs: NOW - 61_000, crcVerdict: 'missing', crcReceived: null }));
  await beat(store, NORTH, 2, NOW - 60_000, { crcVerdict: 'mismatch' });
  await store.touchDevice(SOUTH, NOW - DEFAULT_BOUND_MS, '192.0.2.2');
  await beat(store, LOST, 1, NOW - DEFAULT_BOUND_MS - 1, { crcVerdict: 'mismatch' });
  await beat(store, FAST, 1, NOW - 80_000);
  await beat(store, FAST, 2, NOW - 70_000);

  await store.enqueueMessage(newMessage(NORTH));
  await store.enqueueMessage(newMessage(NORTH, { expiresAtMs: T0 + 5 * 60_000 }));
  for (let i = 0; i < 12; i++) await store.enqueueMessage(newMessage(SOUTH));
  for (let i = 0; i < 2; i++) await store.enqueueMessage(newMessage(LOST));
  await store.enqueueMessage(newMessage(LOST, { expiresAtMs: T0 + 60_000 }));
  await store.expireMessages(T0 + 2 * 60_000);
}

type Keyed = DeviceSummary & { okeIds: readonly string[] };

const SORT_VALUES: Record<DeviceQuery['sort'], (device: Keyed) => string | number> = {
  id: (device) => device.id,
  name: (device) => (device.name ?? '').toLowerCase(),
  lastSeen: (device) => device.lastSeenAtMs ?? -1,
  queued: (device) => device.queuedCount,
  crcFailures: (device) => device.crcFailureCount,
};

/** What the console showed before the store paged: the whole fleet filtered and sorted in memory. */
function referencePage(fleet: readonly Keyed[], query: DeviceQuery): { ids: string[]; total: number } {
  const search = query.search?.toLowerCase() ?? '';
  const key = SORT_VALUES[query.sort];
  const matching = fleet
    .filter((d) => search === '' || d.id.toLowerCase().includes(search) || (d.name ?? '').toLowerCase().includes(search))
    .filter((d) => query.status === null || deriveDeviceStatus(d.lastSeenAtMs, d.typicalIntervalMs, NOW) === query.status)
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const compared = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      return query.order === 'asc' ? compared : -compared;
    });
  return { ids: matching.slice(query.offset, query.offset + query.limit).map((d) => d.id), total: matching.length };
}

async function wholeFleet(store: Store): Promise<Keyed[]> {
  const devices = await store.listDevices(NOW);
  return Promise.all(devices.map(async (device) => ({
    ...device,
    okeIds: (await store.listDeviceStates(device.id)).map((state) => state.deviceId).filter((id) => id !== device.id),
  })));
}

export function defineFleetReadContract(context: ContractContext): void {
  describe('fleet reads', () => {
    test('every filter, sort, order and page of queryDevices gives what the whole fleet filtered and sorted in memory gives', async () => {
      await seedFleet(context.store);
      const fleet = await wholeFleet(context.store);
      const pages: Array<[number, number]> = [[1, 0], [2, 0], [2, 1], [2, 3], [3, 2], [1, 4], [50, 0]];
      for (const sort of DEVICE_SORT_KEYS) {
        for (const order of ['asc', 'desc'] as const) {
          for (const status of [null, ...DEVICE_STATUSES]) {
            for (const search of [null, 'FRYER', '0005', '0002', 'oven', 'nothing like it']) {
              for (const [limit, offset] of pages) {
                const query: DeviceQuery = { search, status, sort, order, limit, offset };
                const page = await context.store.queryDevices(query, NOW);
                const expected = referencePage(fleet, query);
                assert.deepEqual({ ids: page.items.map((item) => item.id), total: page.total }, expected, JSON.stringify(query));
              }
            }
          }
        }
      }
    });

    test('a page carries each device with its unexpired queued count and the OKEs seen behind it', async () => {
      await seedFleet(context.store);
      const page = await context.store.queryDevices({ search: null, status: null, sort: 'id', order: 'asc', limit: 3, offset: 0 }, NOW);
      const fleet = new Map((await wholeFleet(context.store)).map((device) => [device.id, device]));
      assert.deepEqual(page.items.map((item) => [item.id, item.queuedCount, item.okeIds]), [[NORTH, 1, [OKE_NORTH]], [SOUTH, 12, []], [LOST, 2, []]]);
      for (const item of page.items) assert.deepEqual(item, fleet.get(item.id));
    });

    test('status follows each CWM own rhythm: the default bound is online, a millisecond past it or three of its own short intervals is offline', async () => {
      await seedFleet(context.store);
      const idsWith = async (status: DeviceQuery['status']) =>
        (await context.store.queryDevices({ search: null, status, sort: 'id', order: 'asc', limit: 50, offset: 0 }, NOW)).items.map((item) => item.id);
      assert.deepEqual(await idsWith('online'), [NORTH, SOUTH]);
      assert.deepEqual(await idsWith('offline'), [LOST, FAST]);
      assert.deepEqual(await idsWith('never-seen'), [NEVER]);
    });

    test('summarizeFleet counts by status and lists the worst devices of each problem, at most as many as asked, with every total', async () => {
      await seedFleet(context.store);
      const one = await context.store.summarizeFleet(NOW, 1, FLEET_PROBLEM_RULES);
      assert.deepEqual(one.counts, { total: 5, online: 2, offline: 2, neverSeen: 1 });
      assert.deepEqual(one.problems, {
        offline: { total: 2, devices: [{ deviceId: FAST, lastSeenAtMs: NOW - 70_000 }] },
        crcFailures: { total: 2, devices: [{ deviceId: NORTH, count: 2 }] },
        queueBacklog: { total: 1, devices: [{ deviceId: SOUTH, count: 12 }] },
        messagesExpired: { total: 1, devices: [{ deviceId: LOST, count: 1 }] },
      });
      const all = await context.store.summarizeFleet(NOW, 10, FLEET_PROBLEM_RULES);
      assert.deepEqual(all.problems.offline.devices, [{ deviceId: FAST, lastSeenAtMs: NOW - 70_000 }, { deviceId: LOST, lastSeenAtMs: NOW - DEFAULT_BOUND_MS - 1 }]);
      assert.deepEqual(all.problems.crcFailures.devices, [{ deviceId: NORTH, count: 2 }, { deviceId: LOST, count: 1 }]);
      const none = await context.store.summarizeFleet(NOW, 0, FLEET_PROBLEM_RULES);
      assert.deepEqual(
        Object.values(none.problems).map((list) => [list.total, list.devices.length]),
        [[2, 0], [2, 0], [1, 0], [1, 0]],
      );
    });

    test('a backlog is more than ten queued messages, and expired messages count for a day', async () => {
      await seedFleet(context.store);
      await context.store.cancelMessage((await context.store.listMessages(SOUTH, NOW))[0]?.id ?? -1, NOW);
      const dayLater = await context.store.summarizeFleet(T0 + 2 * 60_000 + DAY_MS, 10, FLEET_PROBLEM_RULES);
      assert.deepEqual(dayLater.problems.messagesExpired, { total: 0, devices: [] });
      const later = await context.store.summarizeFleet(NOW, 10, FLEET_PROBLEM_RULES);
      assert.deepEqual(later.problems.queueBacklog.devices, [{ deviceId: SOUTH, count: 11 }]);
      await context.store.cancelMessage((await context.store.listMessages(SOUTH, NOW))[1]?.id ?? -1, NOW);
      assert.deepEqual((await context.store.summarizeFleet(NOW, 10, FLEET_PROBLEM_RULES)).problems.queueBacklog, { total: 0, devices: [] });
    });

    test('the problem rules are the caller\'s: another backlog threshold or expiry window changes the lists', async () => {
      await seedFleet(context.store);
      const stricter = await context.store.summarizeFleet(NOW, 10, { queueBacklogAbove: 12, expiredWithinMs: 1 });
      assert.deepEqual(stricter.problems.queueBacklog, { total: 0, devices: [] });
      assert.deepEqual(stricter.problems.messagesExpired, { total: 0, devices: [] });
      const looser = await context.store.summarizeFleet(NOW, 10, { queueBacklogAbove: 11, expiredWithinMs: 2 * DAY_MS });
      assert.deepEqual(looser.problems.queueBacklog.devices, [{ deviceId: SOUTH, count: 12 }]);
      assert.deepEqual(looser.problems.messagesExpired.devices, [{ deviceId: LOST, count: 1 }]);
    });

    test('an empty fleet summarizes to zeros and pages to nothing', async () => {
      assert.deepEqual(await context.store.summarizeFleet(NOW, 10, FLEET_PROBLEM_RULES), {
        counts: { total: 0, online: 0, offline: 0, neverSeen: 0 },
        problems: {
          offline: { total: 0, devices: [] },
          crcFailures: { total: 0, devices: [] },
          queueBacklog: { total: 0, devices: [] },
          messagesExpired: { total: 0, devices: [] },
        },
      });
      assert.deepEqual(await context.store.queryDevices({ search: null, status: null, sort: 'queued', order: 'desc', limit: 50, offset: 0 }, NOW), { items: [], total: 0 });
    });

    test('countQueuedMessages counts the unexpired queued messages of one CWM only', async () => {
      await seedFleet(context.store);
      assert.equal(await context.store.countQueuedMessages(NORTH, NOW), 1);
      assert.equal(await context.store.countQueuedMessages(NORTH, T0 + 4 * 60_000), 2);
      assert.equal(await context.store.countQueuedMessages(SOUTH, NOW), 12);
      assert.equal(await context.store.countQueuedMessages(NEVER, NOW), 0);
      assert.equal(await context.store.countQueuedMessages(SOUTH, T0 + HOUR_MS), 0);
    });
  });
}
