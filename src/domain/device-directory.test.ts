import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { CWM_A, CWM_B, OKE_1, OKE_2, isCode, newMessage, pushRecord, registerDevice } from '../../test/contract/store-fixtures.js';
import { createDeviceDirectory, type DeviceDirectory } from './device-directory.js';

describe('device directory', () => {
  let fixture: DomainFixture;
  let directory: DeviceDirectory;

  beforeEach(() => {
    fixture = openDomainFixture();
    directory = createDeviceDirectory({ store: fixture.store, clock: fixture.clock });
  });

  afterEach(async () => {
    await fixture.close();
  });

  test('the details of a CWM hold its states, the OKEs behind it and its unexpired queued messages, at the instant read', async () => {
    const nowMs = fixture.clock.nowMs();
    await registerDevice(fixture.store, CWM_A, nowMs);
    await fixture.store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: nowMs, heartbeat: { ti: 40 } }));
    await fixture.store.recordPush(pushRecord(CWM_A, { originId: OKE_2, okmId: 1, receivedAtMs: nowMs + 1, heartbeat: { temp: 170 } }));
    await fixture.store.recordPush(pushRecord(CWM_A, { originId: OKE_1, okmId: 1, receivedAtMs: nowMs + 2 }));
    await fixture.store.enqueueMessage(newMessage(CWM_A, { createdAtMs: nowMs, expiresAtMs: nowMs + 60_000 }));
    await fixture.store.enqueueMessage(newMessage(CWM_A, { createdAtMs: nowMs, expiresAtMs: nowMs + 1000 }));
    fixture.clock.advanceMs(5000);

    const details = await directory.readDetails(CWM_A);
    assert.equal(details.device.id, CWM_A);
    assert.equal(details.atMs, nowMs + 5000);
    assert.equal(details.queuedCount, 1);
    assert.deepEqual([...details.okeIds].sort(), [OKE_1, OKE_2]);
    assert.deepEqual(details.states.map((state) => state.deviceId).sort(), [CWM_A, OKE_1, OKE_2].sort());
    assert.deepEqual(details.states.find((state) => state.deviceId === OKE_2)?.latestFields, { temp: 170 });
  });

  test('an unknown id is ERR_DEVICE_NOT_FOUND', async () => {
    await assert.rejects(directory.readDetails(CWM_B), isCode('ERR_DEVICE_NOT_FOUND'));
    await assert.rejects(directory.requireDevice(CWM_B), isCode('ERR_DEVICE_NOT_FOUND'));
  });

  test('the details of a record just changed are read around it, not from a second read of the device', async () => {
    await registerDevice(fixture.store, CWM_A, fixture.clock.nowMs());
    const renamed = await fixture.store.updateDevice(CWM_A, { name: 'Fryer 2' });
    const details = await directory.detailsOf(renamed);
    assert.equal(details.device, renamed);
    assert.deepEqual(details.okeIds, []);
    assert.equal(details.queuedCount, 0);
  });

  test('a fleet page is filtered and counted at the clock\'s now, which it reports', async () => {
    const nowMs = fixture.clock.nowMs();
    await registerDevice(fixture.store, CWM_A, nowMs);
    await registerDevice(fixture.store, CWM_B, nowMs);
    await fixture.store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: nowMs }));
    const query = { search: null, status: 'online', sort: 'id', order: 'asc', limit: 10, offset: 0 } as const;
    const online = await directory.queryFleet(query);
    assert.deepEqual({ ids: online.items.map((item) => item.id), total: online.total, atMs: online.atMs }, { ids: [CWM_A], total: 1, atMs: nowMs });
    fixture.clock.advanceMs(3_600_000);
    assert.equal((await directory.queryFleet(query)).total, 0);
  });
});
