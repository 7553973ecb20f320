import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { CWM_A, trafficEntry } from '../../test/contract/store-fixtures.js';
import { createTrafficLog } from './traffic-log.js';

describe('traffic log', () => {
  let fixture: DomainFixture;

  beforeEach(() => {
    fixture = openDomainFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  test('lists a device\'s requests or the unknown senders\', newest last, with signatures stored before redaction taken out', async () => {
    const signature = 'a'.repeat(64);
    // Recorded as an older server did: the signature kept in the URL.
    await fixture.store.recordTraffic(trafficEntry(CWM_A, { url: `/pull?req=%7B%7D&sha256hmac=${signature}`, receivedAtMs: 1 }), 100);
    await fixture.store.recordTraffic(trafficEntry(CWM_A, { url: '/time', receivedAtMs: 2 }), 100);
    await fixture.store.recordTraffic(trafficEntry(null, { url: '/push', receivedAtMs: 3 }), 100);
    const traffic = createTrafficLog({ store: fixture.store });

    const ofDevice = await traffic.listEntries({ deviceId: CWM_A, limit: 10 });
    assert.deepEqual(ofDevice.map((entry) => entry.receivedAtMs), [1, 2]);
    assert.ok(!JSON.stringify(ofDevice).includes(signature), 'the signature is gone');
    assert.equal(ofDevice[1]?.url, '/time');
    assert.deepEqual((await traffic.listEntries({ deviceId: null, limit: 10 })).map((entry) => entry.url), ['/push']);
    assert.equal((await traffic.listEntries({ limit: 2 })).length, 2);
  });
});
