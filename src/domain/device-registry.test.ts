import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { isOpenTpsError, type ErrorCode } from '../errors.js';
import { createDeviceRegistry, type AddDeviceInput, type DeviceRegistry } from './device-registry.js';

const CWM = '0002010203040506';
const GENERATED_KEY = '0123456789abcdef0123456789abcdef';

function isCode(code: ErrorCode): (error: unknown) => boolean {
  return (error: unknown) => isOpenTpsError(error, code);
}

describe('device registry', () => {
  let fixture: DomainFixture;
  let registry: DeviceRegistry;

  beforeEach(() => {
    fixture = openDomainFixture();
    registry = createDeviceRegistry({ store: fixture.store, clock: fixture.clock, generateKey: () => GENERATED_KEY });
  });

  afterEach(async () => {
    await fixture.close();
  });

  test('registers a device with a generated key when none is given and returns that key', async () => {
    const { device, key } = await registry.addDevice({ id: CWM });
    assert.equal(key, GENERATED_KEY);
    assert.equal(device.key, GENERATED_KEY);
    assert.equal(device.name, null);
    assert.equal(device.createdAtMs, fixture.clock.nowMs());
    assert.equal((await fixture.store.findDevice(CWM))?.key, GENERATED_KEY);
  });

  test('keeps the key and name the operator gives', async () => {
    const { device, key } = await registry.addDevice({ id: CWM, key: 'operator-chosen-key', name: 'Fryer 3, back kitchen' });
    assert.equal(key, 'operator-chosen-key');
    assert.equal(device.name, 'Fryer 3, back kitchen');
    assert.equal((await fixture.store.findDevice(CWM))?.key, 'operator-chosen-key');
  });

  test('refuses a second registration of the same id with ERR_DEVICE_EXISTS', async () => {
    await registry.addDevice({ id: CWM });
    await assert.rejects(registry.addDevice({ id: CWM, key: 'another-key-123' }), isCode('ERR_DEVICE_EXISTS'));
    assert.equal((await fixture.store.findDevice(CWM))?.key, GENERATED_KEY);
  });

  test('gives a device first discovered in open mode its key', async () => {
    await fixture.store.addDiscoveredDevice(CWM, fixture.clock.nowMs());
    const { device } = await registry.addDevice({ id: CWM, key: 'late-provisioned-key' });
    assert.equal(device.key, 'late-provisioned-key');
  });

  const invalidInputs: Array<{ name: string; input: AddDeviceInput; code: ErrorCode }> = [
    { name: 'an empty id', input: { id: '' }, code: 'ERR_DEVICE_ID_INVALID' },
    { name: 'an id with a space', input: { id: '0002 0102' }, code: 'ERR_DEVICE_ID_INVALID' },
    { name: 'an id with a quote', input: { id: '0002"0102' }, code: 'ERR_DEVICE_ID_INVALID' },
    { name: 'an id longer than 64 characters', input: { id: 'A'.repeat(65) }, code: 'ERR_DEVICE_ID_INVALID' },
    { name: 'a key shorter than 8 characters', input: { id: CWM, key: 'short' }, code: 'ERR_DEVICE_KEY_INVALID' },
    { name: 'a key with a space', input: { id: CWM, key: 'has a space' }, code: 'ERR_DEVICE_KEY_INVALID' },
    { name: 'a key longer than 256 characters', input: { id: CWM, key: 'k'.repeat(257) }, code: 'ERR_DEVICE_KEY_INVALID' },
    { name: 'a name longer than 200 characters', input: { id: CWM, name: 'n'.repeat(201) }, code: 'ERR_DEVICE_NAME_INVALID' },
    { name: 'a name with a newline', input: { id: CWM, name: 'Fryer\nevil' }, code: 'ERR_DEVICE_NAME_INVALID' },
    { name: 'a name with a terminal escape', input: { id: CWM, name: 'Fryer \u001b[31m' }, code: 'ERR_DEVICE_NAME_INVALID' },
    { name: 'a name with a C1 control character', input: { id: CWM, name: 'Fryer \u009b' }, code: 'ERR_DEVICE_NAME_INVALID' },
  ];
  for (const { name, input, code } of invalidInputs) {
    test(`refuses ${name} with ${code} and stores nothing`, async () => {
      await assert.rejects(registry.addDevice(input), isCode(code));
      assert.deepEqual(await registry.listDevices(), []);
    });
  }

  test('accepts the longest valid id, key and name', async () => {
    const id = 'A'.repeat(64);
    const { device } = await registry.addDevice({ id, key: 'k'.repeat(256), name: 'n'.repeat(200) });
    assert.equal(device.id, id);
    assert.equal((await fixture.store.findDevice(id))?.name?.length, 200);
  });

  test('refuses a generated key that is not a valid key rather than storing it', async () => {
    const broken = createDeviceRegistry({ store: fixture.store, clock: fixture.clock, generateKey: () => 'short' });
    await assert.rejects(broken.addDevice({ id: CWM }), isCode('ERR_DEVICE_KEY_INVALID'));
    assert.equal(await fixture.store.findDevice(CWM), null);
  });

  test('lists devices with their queued count as of the clock', async () => {
    await registry.addDevice({ id: CWM });
    await fixture.store.enqueueMessage({
      cwmId: CWM,
      destination: [CWM],
      cmd: 'wr',
      payload: {},
      createdAtMs: fixture.clock.nowMs(),
      expiresAtMs: fixture.clock.nowMs() + 1000,
      maxQueued: 10,
      ts: '2026-11-24T12:00:00Z',
    });
    assert.deepEqual((await registry.listDevices()).map((device) => [device.id, device.queuedCount]), [[CWM, 1]]);
    fixture.clock.advanceMs(1000);
    assert.deepEqual((await registry.listDevices()).map((device) => [device.id, device.queuedCount]), [[CWM, 0]]);
  });
});
