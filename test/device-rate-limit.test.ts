// Per-device request limits on /push and /pull (PROTOCOL.md Part C: per-device rate limits): an
// authenticated device past its allowance gets 503 with the seconds until its next request as
// Retry-After, nothing of the refused request is stored, other devices are unaffected, and requests
// that fail authentication never use up a device's allowance.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createDeviceAppHarness, createManualClock, TEST_KEY, type DeviceAppHarness, type ManualClock } from './device-app-harness.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';

const CWM_A = '0002aaaa00000001';
const CWM_B = '0002bbbb00000002';

describe('per-device request limit (--device-requests-per-minute 3)', () => {
  let h: DeviceAppHarness;
  let clock: ManualClock;
  let nextId = 1;
  beforeEach(async () => {
    clock = createManualClock();
    h = await createDeviceAppHarness({ 'device-requests-per-minute': '3' }, clock);
    await h.addDevice(CWM_A);
    await h.addDevice(CWM_B);
  });
  afterEach(async () => h.close());

  const push = (cwmId: string, key = TEST_KEY) =>
    h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId, id: nextId++ })), key) });
  const pull = (cwmId: string) => h.deviceApp.app.inject({ method: 'GET', url: signedPath('/pull', pullReqText(cwmId), TEST_KEY) });

  test('the fourth request in a minute is refused with 503 ERR_DEVICE_RATE_LIMITED and Retry-After; nothing stored; recorded', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await push(CWM_A)).statusCode, 200);
    assert.equal((await pull(CWM_A)).statusCode, 200, '/push and /pull share one allowance');
    const refused = await push(CWM_A);
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.body, '{"push":false,"pull":false,"error":"ERR_DEVICE_RATE_LIMITED"}');
    assert.equal(refused.headers['retry-after'], '20', 'one request every 20 s at 3 per minute');
    assert.equal(await h.services.store.countOkms(CWM_A), 2);
    assert.equal((await pull(CWM_A)).statusCode, 503);
    await h.settle();
    const [entry] = await h.services.store.listTraffic({ deviceId: CWM_A, limit: 1 });
    assert.equal(entry?.errorCode, 'ERR_DEVICE_RATE_LIMITED');
    assert.equal(entry?.status, 503);

    assert.equal((await push(CWM_B)).statusCode, 200, 'another device keeps its own allowance');
    clock.advanceMs(20_000);
    assert.equal((await push(CWM_A)).statusCode, 200, 'allowed again once a request has refilled');
    assert.equal((await push(CWM_A)).statusCode, 503);
  });

  test('requests failing authentication do not use up the allowance of the device they claim to be', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await push(CWM_A, 'not-the-key-of-a')).statusCode, 401);
    for (let i = 0; i < 3; i++) assert.equal((await push(CWM_A)).statusCode, 200);
    assert.equal(await h.services.store.countOkms(CWM_A), 3);
  });
});

test('--device-requests-per-minute 0 turns the limit off', async () => {
  const h = await createDeviceAppHarness({ 'device-requests-per-minute': '0' });
  try {
    await h.addDevice(CWM_A);
    for (let id = 1; id <= 40; id++) {
      const response = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM_A, id })), TEST_KEY) });
      assert.equal(response.statusCode, 200);
    }
  } finally {
    await h.close();
  }
});
