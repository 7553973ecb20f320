// Contract for the equipment registry (EquipmentStore): records made by stored OKMs, their model from the
// id, their CWM history, and the store's own filtering, sorting, paging and counting, checked against what
// the records themselves say, on a small registry with the boundaries the queries care about.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EQUIPMENT_SORT_KEYS, type EquipmentQuery, type EquipmentSummary } from '../../src/domain/equipment/equipment-query.js';
import type { Store } from '../../src/domain/store.js';
import { CWM_A, CWM_B, OKE_1, OKE_2, T0, pushRecord, registerDevice, type ContractContext } from './store-fixtures.js';

const NOW = T0 + 10 * 60_000;
/** Online with the default interval: seen at most 3 x 60 s + 30 s ago. */
const DEFAULT_BOUND_MS = 210_000;
/** A CWM whose own rhythm is 10 s (two heartbeats 10 s apart): its bound is 3 x 10 s + 30 s. */
const FAST = '0002000000000005';
const OKE_FAST = 'e0f1000000000001';
const ODD = 'fryer-7';

const QUERY: EquipmentQuery = { search: null, modelId: null, siteId: null, tag: null, cwmId: null, status: null, sort: 'id', order: 'asc', limit: 50, offset: 0 };

/** An OKM from `originId` through `cwmId` received at `atMs` (the origin's record follows it). */
async function seen(store: Store, cwmId: string, originId: string, atMs: number, okmId: number): Promise<void> {
  await store.recordPush(pushRecord(cwmId, { originId, okmId, receivedAtMs: atMs, heartbeat: { temp: okmId }, payload: { _hbt: { temp: okmId } } }));
}

/**
 * CWM_A (registered, default interval) with OKE_1 at exactly the online bound and OKE_2 one ms past it, and
 * a non-hex origin ODD; CWM_B with its own record; FAST, with a 10 s rhythm, and OKE_FAST seen 65 s ago
 * (offline by FAST's rule, online by the default one).
 */
async function seedRegistry(store: Store): Promise<void> {
  await registerDevice(store, CWM_A);
  await registerDevice(store, CWM_B);
  await registerDevice(store, FAST);
  await seen(store, CWM_A, OKE_1, NOW - DEFAULT_BOUND_MS, 1);
  await seen(store, CWM_A, OKE_2, NOW - DEFAULT_BOUND_MS - 1, 2);
  await seen(store, CWM_A, ODD, NOW - 1000, 3);
  await seen(store, CWM_B, CWM_B, NOW - 5000, 4);
  for (const [okmId, atMs] of [[5, NOW - 90_000], [6, NOW - 80_000]] as const) {
    await store.recordPush(pushRecord(FAST, { okmId, receivedAtMs: atMs, heartbeat: { ti: 10 }, payload: { _hbt: { ti: 10 } } }));
  }
  await seen(store, FAST, OKE_FAST, NOW - 65_000, 7);
}

function ids(items: readonly EquipmentSummary[]): string[] {
  return items.map((item) => item.id);
}

export function defineEquipmentStoreContract(context: ContractContext): void {
  describe('equipment registry', () => {
    test('each origin an OKM carried is a record: a CWM has model c000, a 16-hex-digit id its model and serial, another id none', async () => {
      await seedRegistry(context.store);
      const page = await context.store.queryEquipment(QUERY, NOW);
      assert.deepEqual(ids(page.items), [FAST, CWM_B, OKE_1, OKE_2, OKE_FAST, ODD], 'ids compare bytewise: digits before letters');
      assert.equal(page.total, 6);
      const byId = new Map(page.items.map((item) => [item.id, item]));
      assert.deepEqual(
        [byId.get(CWM_B)?.modelId, byId.get(CWM_B)?.serial, byId.get(CWM_B)?.isCwm, byId.get(CWM_B)?.cwmId],
        ['c000', null, true, CWM_B],
      );
      assert.deepEqual([byId.get(OKE_1)?.modelId, byId.get(OKE_1)?.serial, byId.get(OKE_1)?.isCwm], ['0363', '34d0b8df1f05', false]);
      assert.deepEqual([byId.get(ODD)?.modelId, byId.get(ODD)?.serial], [null, null]);
      assert.equal(byId.get(OKE_1)?.firstSeenAtMs, NOW - DEFAULT_BOUND_MS);
      assert.deepEqual(byId.get(ODD)?.latestFields, { temp: 3 });
    });

    test('the model filter finds CWMs by c000 and 16-hex-digit ids by their model, never an id without one', async () => {
      await seedRegistry(context.store);
      const ofModel = async (modelId: string) => ids((await context.store.queryEquipment({ ...QUERY, modelId }, NOW)).items);
      assert.deepEqual(await ofModel('c000'), [FAST, CWM_B]);
      assert.deepEqual(await ofModel('0363'), [OKE_1, OKE_2]);
      assert.deepEqual(await ofModel('0002'), [], 'a CWM is model c000, whatever its id starts with');
      const byModel = await context.store.queryEquipment({ ...QUERY, sort: 'model', order: 'asc' }, NOW);
      assert.deepEqual(ids(byModel.items), [ODD, OKE_1, OKE_2, FAST, CWM_B, OKE_FAST], 'no model first, then 0363 < c000 < e0f1');
      const byModelDesc = await context.store.queryEquipment({ ...QUERY, sort: 'model', order: 'desc' }, NOW);
      assert.deepEqual(ids(byModelDesc.items), [OKE_FAST, CWM_B, FAST, OKE_2, OKE_1, ODD]);
    });

    test('status follows the CWM\'s rule at the boundary: online at exactly the bound, offline 1 ms past it, by the CWM\'s own rhythm', async () => {
      await seedRegistry(context.store);
      const online = await context.store.queryEquipment({ ...QUERY, status: 'online' }, NOW);
      assert.deepEqual(ids(online.items), [CWM_B, OKE_1, ODD]);
      assert.equal(online.total, 3);
      const offline = await context.store.queryEquipment({ ...QUERY, status: 'offline' }, NOW);
      assert.deepEqual(ids(offline.items), [FAST, OKE_2, OKE_FAST], 'FAST itself 80 s and OKE_FAST 65 s past: beyond FAST\'s 60 s');
      const all = await context.store.queryEquipment(QUERY, NOW);
      for (const item of all.items) assert.equal(item.status, online.items.some((o) => o.id === item.id) ? 'online' : 'offline', item.id);
    });

    test('pages are cut by the store and every page carries the total of the filtered records', async () => {
      await seedRegistry(context.store);
      const second = await context.store.queryEquipment({ ...QUERY, limit: 2, offset: 2 }, NOW);
      assert.deepEqual(ids(second.items), [OKE_1, OKE_2]);
      assert.equal(second.total, 6);
      const past = await context.store.queryEquipment({ ...QUERY, limit: 2, offset: 10 }, NOW);
      assert.deepEqual([ids(past.items), past.total], [[], 6]);
      const behindA = await context.store.queryEquipment({ ...QUERY, cwmId: CWM_A, limit: 1, offset: 1 }, NOW);
      assert.deepEqual([ids(behindA.items), behindA.total], [[OKE_2], 3]);
    });

    test('every sort orders by its key with ties by id in the same direction, as the records themselves say', async () => {
      await seedRegistry(context.store);
      // Two records with the same last sighting: the tie goes by id.
      await seen(context.store, CWM_B, OKE_FAST.replace('1', '2'), NOW - 5000, 8);
      const all = (await context.store.queryEquipment(QUERY, NOW)).items;
      const keyOf: Record<EquipmentQuery['sort'], (item: EquipmentSummary) => string | number> = {
        id: (item) => item.id,
        model: (item) => item.modelId ?? '',
        lastSeen: (item) => item.lastSeenAtMs,
        firstSeen: (item) => item.firstSeenAtMs,
        cwm: (item) => item.cwmId,
      };
      for (const sort of EQUIPMENT_SORT_KEYS) {
        for (const order of ['asc', 'desc'] as const) {
          const expected = [...all].sort((a, b) => {
            const ka = keyOf[sort](a);
            const kb = keyOf[sort](b);
            const byKey = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
            return order === 'asc' ? byKey : -byKey;
          });
          const page = await context.store.queryEquipment({ ...QUERY, sort, order, limit: 3, offset: 1 }, NOW);
          assert.deepEqual(ids(page.items), ids(expected.slice(1, 4)), `${sort} ${order}`);
        }
      }
    });

    test('search finds text anywhere in the id, in any case', async () => {
      await seedRegistry(context.store);
      assert.deepEqual(ids((await context.store.queryEquipment({ ...QUERY, search: '34D0B8' }, NOW)).items), [OKE_1, OKE_2]);
      assert.deepEqual(ids((await context.store.queryEquipment({ ...QUERY, search: 'FRYER' }, NOW)).items), [ODD]);
      assert.equal((await context.store.queryEquipment({ ...QUERY, search: 'zzz' }, NOW)).total, 0);
    });

    test('the site filter finds the records behind the site\'s CWMs, and each record shows its CWM\'s site', async () => {
      await seedRegistry(context.store);
      const site = await context.store.addSite({ name: 'Kitchen', address: null, timeZone: null, gatewayMacs: [], createdAtMs: T0 });
      await context.store.assignDeviceSite(CWM_A, site.id);
      const page = await context.store.queryEquipment({ ...QUERY, siteId: site.id }, NOW);
      assert.deepEqual(ids(page.items), [OKE_1, OKE_2, ODD]);
      assert.ok(page.items.every((item) => item.siteId === site.id));
      const other = await context.store.queryEquipment({ ...QUERY, cwmId: CWM_B }, NOW);
      assert.equal(other.items[0]?.siteId, null);
      assert.equal((await context.store.queryEquipment({ ...QUERY, siteId: site.id + 1000 }, NOW)).total, 0);
    });

    test('the tag filter finds tagged equipment only, and each record shows its tags sorted', async () => {
      await seedRegistry(context.store);
      await context.store.setTags('equipment', OKE_2, ['pilot', 'line:1']);
      await context.store.setTags('equipment', ODD, ['pilot']);
      await context.store.setTags('device', CWM_B, ['pilot']);
      const page = await context.store.queryEquipment({ ...QUERY, tag: 'pilot' }, NOW);
      assert.deepEqual(ids(page.items), [OKE_2, ODD], 'a device tag is not an equipment tag');
      assert.deepEqual(page.items[0]?.tags, ['line:1', 'pilot']);
      const combined = await context.store.queryEquipment({ ...QUERY, tag: 'pilot', status: 'offline' }, NOW);
      assert.deepEqual([ids(combined.items), combined.total], [[OKE_2], 1]);
    });

    test('a change of CWM adds to the history; a later OKM through the same CWM does not', async () => {
      await registerDevice(context.store, CWM_A);
      await seen(context.store, CWM_A, OKE_1, T0, 1);
      assert.deepEqual((await context.store.findEquipment(OKE_1, NOW))?.cwmHistory, [{ cwmId: CWM_A, sinceMs: T0 }]);
      await seen(context.store, CWM_A, OKE_1, T0 + 1000, 2);
      assert.deepEqual((await context.store.findEquipment(OKE_1, NOW))?.cwmHistory, [{ cwmId: CWM_A, sinceMs: T0 }]);
      await seen(context.store, CWM_B, OKE_1, T0 + 2000, 3);
      // The change is dated by the sighting that was written with it (SQLite writes sightings behind, a second
      // at a time: a read here has the first one through CWM_B written before the next).
      await context.store.findEquipment(OKE_1, NOW);
      await seen(context.store, CWM_B, OKE_1, T0 + 3000, 4);
      const details = await context.store.findEquipment(OKE_1, NOW);
      assert.deepEqual(details?.cwmHistory, [{ cwmId: CWM_B, sinceMs: T0 + 2000 }, { cwmId: CWM_A, sinceMs: T0 }]);
      assert.equal(details?.cwmId, CWM_B);
      assert.equal(details?.lastSeenAtMs, T0 + 3000);
      assert.equal(await context.store.findEquipment('0363ffffffffffff', NOW), null);
    });

    test('the history survives a restart', async () => {
      await seen(context.store, CWM_A, OKE_1, T0, 1);
      await context.store.findEquipment(OKE_1, NOW);
      await seen(context.store, CWM_B, OKE_1, T0 + 2000, 2);
      const store = await context.reopen();
      assert.deepEqual((await store.findEquipment(OKE_1, NOW))?.cwmHistory.map((stint) => stint.cwmId), [CWM_B, CWM_A]);
    });
  });

  describe('tags', () => {
    test('setTags replaces a target\'s tags; readTags and countTags answer per kind', async () => {
      await context.store.setTags('equipment', OKE_1, ['b', 'a']);
      await context.store.setTags('equipment', OKE_1, ['c', 'a']);
      await context.store.setTags('equipment', OKE_2, ['a']);
      await context.store.setTags('device', CWM_A, ['a']);
      const tags = await context.store.readTags('equipment', [OKE_1, OKE_2, 'none']);
      assert.deepEqual([...tags.entries()].sort(), [[OKE_1, ['a', 'c']], [OKE_2, ['a']]]);
      assert.deepEqual(await context.store.countTags('equipment'), [{ tag: 'a', count: 2 }, { tag: 'c', count: 1 }]);
      await context.store.setTags('equipment', OKE_1, []);
      assert.deepEqual([...(await context.store.readTags('equipment', [OKE_1])).keys()], []);
      assert.deepEqual(await context.store.countTags('device'), [{ tag: 'a', count: 1 }]);
    });
  });
}
