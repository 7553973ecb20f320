// Replayed /pull requests (docs/replay-protection.md, src/domain/pull-replay-guard.ts): an exact replay
// of a recorded pull never delivers, redelivers or acknowledges a message, seconds or days later, while
// CWMs that retry, pull twice in a second, run on a wrong clock, reboot, or cross a daylight-saving change
// keep working. Refusals are 503 ERR_REPLAYED_REQUEST with a reason, counted, and recorded.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createDeviceAppHarness, createManualClock, TEST_KEY, type DeviceAppHarness, type ManualClock } from './device-app-harness.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';

const CWM = '0002000000000015';
const OKE = '0363000000000015';
const DAY_MS = 86_400_000;

function replayed(reason: 'repeated' | 'stale'): string {
  return `{"push":false,"pull":false,"error":"ERR_REPLAYED_REQUEST","reason":"${reason}"}`;
}

/** The CWM's clock reading `epochMs` as local wall time in UTC, the `ts` style: `2026-11-24T12:00:00`. */
function tsAt(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

describe('replayed pulls', () => {
  let h: DeviceAppHarness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = createManualClock();
    h = await createDeviceAppHarness({ 'time-zone': 'UTC' }, clock);
    await h.addDevice(CWM);
  });
  afterEach(async () => h.close());

  const pullUrl = (ts: string, lokm = true, key = TEST_KEY): string => signedPath('/pull', JSON.stringify({ devid: CWM, ts, lokm }), key);
  const send = async (url: string, method: 'GET' | 'POST' = 'GET'): Promise<LightMyRequestResponse> => {
    const response = await h.deviceApp.app.inject({ method, url });
    await h.settle();
    return response;
  };
  const queuePing = () => h.services.queue.queueMessage({ destination: [CWM], cmd: 'rd', payload: { _ping: true } });
  const states = async () => (await h.services.queue.listMessages(CWM)).map((m) => [m.state, m.deliveryCount]);

  test('the exact replay of a pull that took a message, a second, four minutes or a week later, delivers nothing', async () => {
    await queuePing();
    const url = pullUrl(tsAt(clock.nowMs()));
    assert.match((await send(url)).body, /^\{"okm":/);
    await queuePing();
    for (const laterMs of [1000, 4 * 60_000, 7 * DAY_MS]) {
      clock.advanceMs(laterMs);
      const response = await send(url);
      assert.equal(response.statusCode, 503);
      assert.equal(response.body, replayed('repeated'));
      assert.equal(response.headers['retry-after'], '1');
    }
    // The second message expired meanwhile (24 h TTL), never delivered.
    assert.deepEqual(await states(), [['delivered', 1], ['expired', 0]]);
    const device = await h.services.store.findDevice(CWM);
    assert.equal(device?.replaysRefusedCount, 3);
    assert.equal(device?.lastSeenAtMs, Date.UTC(2026, 10, 24, 12), 'a replay does not make the CWM look online');
  });

  test('the replay of an older pull, after newer ones, is refused as stale, with a Retry-After capped at two minutes', async () => {
    const old = pullUrl(tsAt(clock.nowMs()));
    await send(old);
    clock.advanceMs(600_000);
    assert.equal((await send(pullUrl(tsAt(clock.nowMs())))).statusCode, 200);
    await queuePing();
    clock.advanceMs(3 * DAY_MS);
    const response = await send(old);
    assert.equal(response.body, replayed('stale'));
    assert.equal(response.headers['retry-after'], '120');
    assert.deepEqual(await states(), [['expired', 0]], 'never delivered (and expired after 24 h)');
  });

  test('a replayed lokm:false pull does not deliver the last message again', async () => {
    await queuePing();
    assert.match((await send(pullUrl(tsAt(clock.nowMs())))).body, /^\{"okm":/);
    clock.advanceMs(1000);
    const again = pullUrl(tsAt(clock.nowMs()), false);
    assert.match((await send(again)).body, /^\{"okm":/, 'the genuine lokm:false redelivers');
    clock.advanceMs(60_000);
    assert.equal((await send(again)).statusCode, 503);
    assert.deepEqual(await states(), [['delivered', 2]]);
  });

  test('a replayed pull sent as a POST form, or with the signature in upper case, is still a replay', async () => {
    const reqText = JSON.stringify({ devid: CWM, ts: tsAt(clock.nowMs()), lokm: true });
    const url = signedPath('/pull', reqText, TEST_KEY);
    assert.equal((await send(url)).statusCode, 200);
    const upper = url.replace(/sha256hmac=([0-9a-f]+)/, (_, hex: string) => `sha256hmac=${hex.toUpperCase()}`);
    assert.equal((await send(upper)).body, replayed('repeated'));
    const form = await h.deviceApp.app.inject({
      method: 'POST', url: '/pull', payload: url.slice('/pull?'.length), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.body, replayed('repeated'));
  });

  test('two different pulls within one second of the CWM clock are both taken; the same one twice is not', async () => {
    await queuePing();
    await queuePing();
    const ts = tsAt(clock.nowMs());
    assert.match((await send(pullUrl(ts, true))).body, /^\{"okm":.*"pull":true\}$/);
    assert.match((await send(pullUrl(ts, false))).body, /^\{"okm":/, 'lokm:false within the same second redelivers');
    assert.equal((await send(pullUrl(ts, false))).body, replayed('repeated'));
    clock.advanceMs(1000);
    assert.match((await send(pullUrl(tsAt(clock.nowMs())))).body, /^\{"okm":/, 'the retry a second later is taken');
  });

  test('a CWM whose clock is hours wrong (behind or ahead) keeps pulling, every new second taken', async () => {
    for (const skewMs of [-5 * 3_600_000, 9 * 3_600_000]) {
      await queuePing();
      for (let i = 0; i < 3; i++) {
        clock.advanceMs(1000);
        assert.equal((await send(pullUrl(tsAt(clock.nowMs() + skewMs)))).statusCode, 200, `skew ${skewMs}, pull ${i}`);
      }
    }
    assert.deepEqual(await states(), [['delivered', 1], ['delivered', 1]]);
  });

  test('a CWM that ran an hour fast and was set right (reboot, /time) is taken at once near the true time', async () => {
    assert.equal((await send(pullUrl(tsAt(clock.nowMs() + 3_600_000)))).statusCode, 200);
    clock.advanceMs(30_000);
    const set = await send(pullUrl(tsAt(clock.nowMs() + 2000)));
    assert.equal(set.statusCode, 200, set.body);
    clock.advanceMs(1000);
    assert.equal((await send(pullUrl(tsAt(clock.nowMs() + 2000)))).statusCode, 200);
  });

  test('a clock set back while still wrong is refused until it passes its old mark, with that wait as Retry-After', async () => {
    const aheadMs = 3 * 3_600_000;
    assert.equal((await send(pullUrl(tsAt(clock.nowMs() + aheadMs)))).statusCode, 200);
    const back = await send(pullUrl(tsAt(clock.nowMs() + aheadMs - 30_000)));
    assert.equal(back.body, replayed('stale'));
    assert.equal(back.headers['retry-after'], '31');
    clock.advanceMs(31_000);
    assert.equal((await send(pullUrl(tsAt(clock.nowMs() + aheadMs - 30_000)))).statusCode, 200);
  });

  test('a CWM on local time in Europe/Paris keeps pulling through the hour that the end of summer time repeats', async () => {
    await h.services.registry.updateDevice(CWM, { timeZone: 'Europe/Paris' });
    // 2026-10-25: 03:00 CEST (01:00Z) becomes 02:00 CET; the CWM's clock shows 02:00-02:59 twice.
    const parisWall = (epochMs: number): string => {
      const offsetMs = epochMs < Date.UTC(2026, 9, 25, 1) ? 2 * 3_600_000 : 3_600_000;
      return tsAt(epochMs + offsetMs);
    };
    const start = Date.UTC(2026, 9, 25, 0, 40);
    clock.advanceMs(start - clock.nowMs());
    const seen: string[] = [];
    for (let minute = 0; minute <= 60; minute += 5) {
      clock.advanceMs(minute === 0 ? 0 : 5 * 60_000);
      const ts = parisWall(clock.nowMs());
      seen.push(ts.slice(11, 16));
      const response = await send(pullUrl(ts));
      assert.equal(response.statusCode, 200, `${ts}: ${response.body}`);
    }
    assert.ok(seen.includes('02:40') && seen.indexOf('02:40') !== seen.lastIndexOf('02:40'), `the hour repeated: ${seen.join(' ')}`);
  });

  test('rotating the key clears the mark: the CWM given the new key is taken whatever its clock', async () => {
    assert.equal((await send(pullUrl(tsAt(clock.nowMs() + 3_600_000)))).statusCode, 200);
    const newKey = 'a-new-provisioning-key-0002';
    await h.services.registry.rotateKey(CWM, newKey);
    assert.equal((await send(pullUrl(tsAt(clock.nowMs()), true, newKey))).statusCode, 200);
  });

  test('a signed pull without ts, or with a ts that is no date-time, is 400 ERR_PULL_MISSING_TS and takes nothing', async () => {
    await queuePing();
    for (const reqText of [JSON.stringify({ devid: CWM, lokm: true }), JSON.stringify({ devid: CWM, ts: 'yesterday', lokm: true }), JSON.stringify({ devid: CWM, ts: 12, lokm: true })]) {
      const response = await send(signedPath('/pull', reqText, TEST_KEY));
      assert.equal(response.statusCode, 400);
      assert.equal(response.body, '{"push":false,"pull":false,"error":"ERR_PULL_MISSING_TS"}');
    }
    assert.deepEqual(await states(), [['queued', 0]]);
  });

  test('a recorded push or file-download req sent to /pull is 400 ERR_PULL_FOREIGN_REQ, though its signature is good', async () => {
    await queuePing();
    const push = pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 9 }), tsAt(clock.nowMs() + 60_000));
    const file = JSON.stringify({ devid: CWM, file: 'fw.bin', ts: tsAt(clock.nowMs() + 60_000) });
    for (const reqText of [push, file]) {
      const withDevid = reqText.includes('"devid"') ? reqText : `{"devid":"${CWM}",${reqText.slice(1)}`;
      const response = await send(signedPath('/pull', withDevid, TEST_KEY));
      assert.equal(response.body, '{"push":false,"pull":false,"error":"ERR_PULL_FOREIGN_REQ"}');
      const asIs = await send(signedPath('/pull', reqText, TEST_KEY));
      assert.equal(asIs.statusCode, 400);
    }
    assert.deepEqual(await states(), [['queued', 0]]);
  });

  test('refusals are recorded in the traffic with the code and reason, and do not use up the device rate', async () => {
    await h.close();
    h = await createDeviceAppHarness({ 'time-zone': 'UTC', 'device-requests-per-minute': '3' }, clock);
    await h.addDevice(CWM);
    const url = pullUrl(tsAt(clock.nowMs()));
    assert.equal((await send(url)).statusCode, 200);
    for (let i = 0; i < 10; i++) assert.equal((await send(url)).body, replayed('repeated'));
    clock.advanceMs(1000);
    assert.equal((await send(pullUrl(tsAt(clock.nowMs())))).statusCode, 200, 'ten replays left the allowance of 3 per minute alone');
    const [refusal] = await h.services.store.listTraffic({ deviceId: CWM, limit: 2 });
    assert.equal(refusal?.errorCode, 'ERR_REPLAYED_REQUEST');
    assert.equal(refusal?.status, 503);
    assert.equal(refusal?.response, replayed('repeated'));
  });

  test('an unsigned pull in open mode needs no ts and is not subject to the mark', async () => {
    await h.close();
    h = await createDeviceAppHarness({ 'time-zone': 'UTC', auth: 'open' }, clock);
    const bare = signedPath('/pull', JSON.stringify({ devid: CWM }));
    assert.equal((await send(bare)).statusCode, 200);
    assert.equal((await send(bare)).statusCode, 200);
  });

  test('a replayed push days later is acknowledged and stored once, and changes no counter', async () => {
    const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 3 }), tsAt(clock.nowMs())), TEST_KEY);
    assert.equal((await send(url, 'POST')).statusCode, 200);
    const before = await h.services.store.findDevice(CWM);
    clock.advanceMs(3 * DAY_MS);
    assert.equal((await send(url, 'POST')).statusCode, 200);
    assert.equal(await h.services.store.countOkms(CWM), 1);
    const after = await h.services.store.findDevice(CWM);
    assert.equal(after?.okmCount, before?.okmCount);
  });
});
