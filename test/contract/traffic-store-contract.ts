// Contract for the traffic recorder's storage (PROTOCOL.md A6): raw requests with our answers, in a
// bounded ring per device and one for unknown senders, listed newest last.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CWM_A, CWM_B, T0, trafficEntry, type ContractContext } from './store-fixtures.js';

/** A ring may run over its size by this many entries between prunes. */
const PRUNE_SLACK = 16;

export function defineTrafficStoreContract(context: ContractContext): void {
  describe('traffic', () => {
    test('recordTraffic keeps every field of the request and our answer', async () => {
      const entry = trafficEntry(CWM_A, {
        method: 'GET',
        url: '/provision/ProvisionAPI?devid=x',
        headers: { host: 'opentps.example', 'user-agent': 'CWM/1.0' },
        body: 'raw body bytes',
        status: 404,
        response: '{"push":false,"pull":false,"error":"ERR_ROUTE_NOT_FOUND"}',
        durationMs: 0.25,
        signatureVerdict: null,
        crcVerdict: null,
        errorCode: 'ERR_ROUTE_NOT_FOUND',
        clientCertSubject: 'CN=kitchen-1, O=ACME kitchens',
        clientCertSerial: '7AC59E8D0460B1AF9A7D1618261F74BB',
      });
      await context.store.recordTraffic(entry, 100);
      const listed = await context.store.listTraffic({ deviceId: CWM_A, limit: 10 });
      assert.equal(listed.length, 1);
      const [stored] = listed;
      assert.ok(stored);
      assert.equal(typeof stored.id, 'number');
      assert.deepEqual({ ...stored, id: 0 }, { ...entry, id: 0 });
    });

    test('a request with NUL characters is recorded (NUL may become U+FFFD), and so are the others sent with it', async () => {
      const entries = [
        trafficEntry(CWM_A, { body: 'before' }),
        trafficEntry(CWM_A, { body: 'nul\u0000here', url: '/push?req=%00', headers: { 'x-odd': 'a\u0000b' } }),
        trafficEntry(CWM_A, { body: 'after' }),
      ];
      await Promise.all(entries.map((entry) => context.store.recordTraffic(entry, 100)));
      const listed = await context.store.listTraffic({ deviceId: CWM_A, limit: 10 });
      assert.deepEqual(listed.map((entry) => entry.body.replace('\ufffd', '\u0000')), ['before', 'nul\u0000here', 'after']);
      assert.equal(listed[1]?.headers['x-odd']?.toString().replace('\ufffd', '\u0000'), 'a\u0000b');
    });

    test('lists newest last, limited to the newest entries', async () => {
      for (let i = 1; i <= 5; i++) await context.store.recordTraffic(trafficEntry(CWM_A, { receivedAtMs: T0 + i, body: `#${i}` }), 100);
      const newestThree = await context.store.listTraffic({ deviceId: CWM_A, limit: 3 });
      assert.deepEqual(newestThree.map((entry) => entry.body), ['#3', '#4', '#5']);
    });

    test('keeps only about the newest keepPerBucket entries of a device', async () => {
      const keep = 10;
      for (let i = 1; i <= 100; i++) await context.store.recordTraffic(trafficEntry(CWM_A, { body: `#${i}` }), keep);
      const kept = (await context.store.listTraffic({ deviceId: CWM_A, limit: 1000 })).map((entry) => entry.body);
      assert.ok(kept.length >= keep && kept.length <= keep + PRUNE_SLACK, `kept ${kept.length} entries`);
      const newest = Array.from({ length: kept.length }, (_, i) => `#${100 - kept.length + 1 + i}`);
      assert.deepEqual(kept, newest, 'the kept entries are the newest ones, in order');
    });

    test('keeps unknown senders in their own ring, apart from each device', async () => {
      const keep = 5;
      for (let i = 1; i <= 60; i++) {
        await context.store.recordTraffic(trafficEntry(null, { body: `unknown #${i}` }), keep);
        if (i <= 3) await context.store.recordTraffic(trafficEntry(CWM_B, { body: `b #${i}` }), keep);
        await context.store.recordTraffic(trafficEntry(CWM_A, { body: `a #${i}` }), keep);
      }
      const unknown = await context.store.listTraffic({ deviceId: null, limit: 1000 });
      assert.ok(unknown.length >= keep && unknown.length <= keep + PRUNE_SLACK, `kept ${unknown.length} unknown entries`);
      assert.ok(unknown.every((entry) => entry.deviceId === null && entry.body.startsWith('unknown #')));
      assert.equal(unknown.at(-1)?.body, 'unknown #60');

      const deviceB = await context.store.listTraffic({ deviceId: CWM_B, limit: 1000 });
      assert.deepEqual(deviceB.map((entry) => entry.body), ['b #1', 'b #2', 'b #3'], 'a quiet device keeps its entries');

      const all = await context.store.listTraffic({ limit: 2 });
      assert.deepEqual(all.map((entry) => entry.body), ['unknown #60', 'a #60']);
    });
  });
}
