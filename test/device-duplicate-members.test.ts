// Device JSON that names a member twice, through the whole device app, as an adversary sends it:
// JSON.parse keeps the last copy, a first-wins reader of the stored text the first, so the request is
// refused (400 ERR_OKM_DUPLICATE_KEY), changes nothing, and is kept in the traffic with its code.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sealOkmCrc } from '../src/protocol/okm-crc.js';
import { signRequest } from '../src/protocol/request-signature.js';
import { createDeviceAppHarness, createManualClock, type DeviceAppHarness, type ManualClock } from './device-app-harness.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';

const CWM2 = '0002000000000002';
const CWM10 = '0002000000000010';
const OKE = '036334d0b8df1f05';
const KEY2 = 'provisioning-key-of-cwm-0002';
const KEY10 = 'provisioning-key-of-cwm-0010';
const REFUSAL = '{"push":false,"pull":false,"error":"ERR_OKM_DUPLICATE_KEY"}';

/** An OKM whose text between the braces is `members`, with its CRC sealed. */
function okmOf(members: string): string {
  return sealOkmCrc(`{${members}}`);
}

const HEADER = `"_cmd":"wr","_id":7,"_ts":"2026-11-24T12:00:00","_crc":"0000"`;
const SOURCE10 = `"_src":["${OKE}","${CWM10}"]`;

interface Sent {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly payload?: string;
  readonly headers?: Record<string, string>;
}

describe('device requests whose JSON names a member twice', () => {
  let h: DeviceAppHarness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = createManualClock();
    h = await createDeviceAppHarness({}, clock);
    await h.addDevice(CWM2, KEY2);
    await h.addDevice(CWM10, KEY10);
    // Something for every refusal to leave alone: an OKM, counters, device state, a message queued and one delivered.
    const first = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM10, okeId: OKE, id: 1 })), KEY10) });
    assert.equal(first.statusCode, 200, first.body);
    await h.services.queue.queueMessage({ destination: [OKE, CWM10], cmd: 'wr', payload: { cmd: { relay: 1 } } });
    await h.services.queue.queueMessage({ destination: [CWM10], cmd: 'rd', payload: { _ping: true } });
    const pulled = await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/pull', pullReqText(CWM10), KEY10) });
    assert.match(pulled.body, /^\{"okm":/);
    await h.settle();
  });
  afterEach(async () => h.close());

  /** Everything a device request could change: devices and counters, states, OKMs, messages, transfers. */
  const snapshot = async (): Promise<unknown> => ({
    devices: await h.services.store.listDevices(clock.nowMs()),
    states: [await h.services.store.listDeviceStates(CWM2), await h.services.store.listDeviceStates(CWM10)],
    okms: await h.services.store.listOkms({ limit: 100 }),
    messages: [await h.services.store.listMessages(CWM2, clock.nowMs()), await h.services.store.listMessages(CWM10, clock.nowMs())],
    transfers: await h.services.store.listFileTransfers({ limit: 100 }),
  });

  /** Sends the request, which must be refused with ERR_OKM_DUPLICATE_KEY, change nothing, and be in the traffic. */
  const assertRefused = async (sent: Sent): Promise<LightMyRequestResponse> => {
    clock.advanceMs(1000);
    const before = await snapshot();
    const response = await h.deviceApp.app.inject(sent);
    assert.equal(response.statusCode, 400, `${sent.url} ${response.body}`);
    assert.equal(response.body, REFUSAL);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    await h.settle();
    assert.deepEqual(await snapshot(), before, 'nothing stored or changed');
    const [entry] = await h.services.store.listTraffic({ limit: 1 });
    assert.ok(entry, 'the request is in the traffic');
    // The signature's value may be redacted in the traffic; the request itself (req) must be there as sent.
    const unsigned = (text: string): string => text.replace(/sha256hmac=[^&]*/, 'sha256hmac=');
    assert.deepEqual(
      [entry.method, unsigned(entry.url), unsigned(entry.body), entry.status, entry.errorCode, entry.response],
      [sent.method, unsigned(sent.url), unsigned(sent.payload ?? ''), 400, 'ERR_OKM_DUPLICATE_KEY', REFUSAL],
    );
    return response;
  };

  const push = (okmText: string, key = KEY10): Sent => ({ method: 'POST', url: signedPath('/push', pushReqText(okmText), key) });

  test('the reported attack: two _src signed by CWM10 (JSON.parse would store it under CWM10, the raw text names CWM2 first) is refused', async () => {
    const okm = okmOf(`"_src":["${OKE}","${CWM2}"],"_src":["${OKE}","${CWM10}"],${HEADER},"_pld":{"_hbt":{"temp":180}}`);
    assert.deepEqual((JSON.parse(okm) as Record<string, unknown>)['_src'], [OKE, CWM10], 'JSON.parse reads the last _src');
    await assertRefused(push(okm));
    await assertRefused(push(okmOf(`"_src":["${OKE}","${CWM10}"],"_src":["${OKE}","${CWM2}"],${HEADER},"_pld":{}`), KEY2));
    // The control: the same OKM with only the _src JSON.parse reads is CWM10's, signed right, and accepted.
    const single = okmOf(`${SOURCE10},${HEADER},"_pld":{"_hbt":{"temp":180}}`);
    assert.equal((await h.deviceApp.app.inject(push(single))).statusCode, 200);
  });

  test('a name given twice at the top level of req (okm, ts, or an extra member) is refused', async () => {
    const okm = buildUpstreamOkm({ cwmId: CWM10, okeId: OKE, id: 8 });
    const other = buildUpstreamOkm({ cwmId: CWM10, okeId: OKE, id: 9 });
    for (const reqText of [`{"okm":${okm},"okm":${other}}`, `{"okm":${okm},"ts":"a","ts":"b"}`, `{"gwmac":"88665a4a92c3","okm":${okm},"gwmac":"000000000000"}`]) {
      await assertRefused({ method: 'POST', url: signedPath('/push', reqText, KEY10) });
    }
  });

  test('every OKM header beside _src given twice (_cmd, _id, _ts, _crc, _pld) is refused', async () => {
    for (const members of [
      `${SOURCE10},"_cmd":"wr","_cmd":"rd","_id":7,"_crc":"0000","_pld":{}`,
      `${SOURCE10},"_cmd":"wr","_id":7,"_id":8,"_crc":"0000","_pld":{}`,
      `${SOURCE10},"_cmd":"wr","_id":7,"_ts":"2026-11-24T12:00:00","_ts":"2020-01-01T00:00:00","_crc":"0000","_pld":{}`,
      `${SOURCE10},"_cmd":"wr","_id":7,"_crc":"0000","_crc":"FFFF","_pld":{}`,
      `${SOURCE10},${HEADER},"_pld":{"_hbt":{"temp":1}},"_pld":{"cmd":{"relay":1}}`,
    ]) {
      await assertRefused(push(okmOf(members)));
    }
  });

  test('a name given twice deep inside _pld, or in one object of an array, is refused', async () => {
    for (const payload of [
      '{"_hbt":{"temp":180,"door":0,"temp":20}}',
      '{"_hbt":{"oven":{"cavity":{"setp":350,"setp":500}}}}',
      '{"_hbt":{"cavities":[{"t":1},{"t":2,"t":3}]}}',
      '{"a":[[[{"b":{"c":1,"c":2}}]]]}',
    ]) {
      await assertRefused(push(okmOf(`${SOURCE10},${HEADER},"_pld":${payload}`)));
    }
  });

  test('names that are equal only once unescaped are refused: \\u005fsrc is _src, an escaped surrogate pair is the emoji', async () => {
    await assertRefused(push(okmOf(`"_src":["${OKE}","${CWM2}"],"\\u005fsrc":["${OKE}","${CWM10}"],${HEADER},"_pld":{}`)));
    await assertRefused(push(okmOf(`${SOURCE10},${HEADER},"_pld":{"\\u005Fhbt":{"t":1},"_hbt":{"t":2}}`)));
    await assertRefused(push(okmOf(`${SOURCE10},${HEADER},"_pld":{"\u{1F600}":1,"\\ud83d\\ude00":2}`)));
    await assertRefused(push(okmOf(`${SOURCE10},${HEADER},"_pld":{"\\uD83D\\uDE00":1,"\\ud83d\\ude00":2}`)));
  });

  test('a duplicate in a push sent as a form body is refused too', async () => {
    const reqText = pushReqText(okmOf(`${SOURCE10},${HEADER},"_pld":{"x":1,"x":2}`));
    await assertRefused({
      method: 'POST',
      url: '/push',
      payload: `sha256hmac=${signRequest(reqText, KEY10)}&req=${encodeURIComponent(reqText)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  });

  test('near-duplicates and the same name in sibling objects or array items are accepted and stored byte for byte', async () => {
    const payload = '{"_hbt":{"a":1,"A":2,"a ":3,"\\u0061b":4,"x":{"a":5},"y":{"a":6},"list":[{"a":7,"b":1},{"a":8,"b":2}]}}';
    const okm = okmOf(`${SOURCE10},${HEADER.replace('"_id":7', '"_id":21')},"_pld":${payload}`);
    const response = await h.deviceApp.app.inject(push(okm));
    assert.equal(response.statusCode, 200, response.body);
    const [stored] = await h.services.store.listOkms({ cwmId: CWM10, limit: 1 });
    assert.equal(stored?.rawOkm, okm);
    assert.equal(stored?.okmId, 21);
  });

  test('a pull whose req names devid twice is refused and delivers nothing: the queued message stays queued', async () => {
    const queuedBefore = (await h.services.store.listMessages(CWM10, clock.nowMs())).filter((m) => m.state === 'queued').length;
    assert.equal(queuedBefore, 1);
    for (const reqText of [
      `{"devid":"${CWM2}","devid":"${CWM10}","ts":"2026-11-24T12:00:01","lokm":true}`,
      `{"devid":"${CWM10}","ts":"2026-11-24T12:00:01","lokm":true,"lokm":false}`,
      `{"devid":"${CWM10}","\\u0064evid":"${CWM2}"}`,
    ]) {
      await assertRefused({ method: 'GET', url: signedPath('/pull', reqText, KEY10) });
    }
  });

  test('a /time whose req names devid twice is refused instead of answering in one of the two zones', async () => {
    await assertRefused({ method: 'GET', url: signedPath('/time', `{"devid":"${CWM2}","devid":"${CWM10}"}`) });
    await assertRefused({ method: 'POST', url: signedPath('/time', `{"okm":{"_src":["${CWM2}"],"_src":["${CWM10}"]}}`, KEY10) });
  });

  test('a /provision whose req names devid twice is refused instead of being recorded under one of the two', async () => {
    await assertRefused({ method: 'GET', url: signedPath('/provision', `{"devid":"${CWM2}","devid":"${CWM10}"}`) });
    await assertRefused({ method: 'POST', url: signedPath('/provision/cert', `{"devid":"${CWM10}","x":{"y":1,"y":2}}`) });
  });

  test('a signed download whose req names the file twice is refused and no transfer is recorded', async () => {
    await h.services.files.addFile('fw.bin', Readable.from([Buffer.from('firmware bytes')]), { uploadedBy: 'test' });
    await h.services.files.addFile('other.bin', Readable.from([Buffer.from('other bytes')]), { uploadedBy: 'test' });
    const reqText = `{"devid":"${CWM10}","file":"other.bin","file":"fw.bin","ts":"2026-11-24T12:00:01"}`;
    await assertRefused({ method: 'GET', url: signedPath('/files/fw.bin', reqText, KEY10) });
    await assertRefused({ method: 'GET', url: signedPath('/fw.bin', reqText, KEY10) });
  });
});

describe('duplicate member names in open mode and before mutual TLS', () => {
  test('in open mode a push with two _src is refused too, and no device is discovered from it', async () => {
    const h = await createDeviceAppHarness({ auth: 'open' });
    try {
      const okm = okmOf(`"_src":["NEWCWM1"],"_src":["NEWCWM2"],${HEADER},"_pld":{}`);
      const response = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(okm)) });
      assert.equal(response.statusCode, 400);
      assert.equal(response.body, REFUSAL);
      await h.settle();
      assert.deepEqual(await h.services.store.listDevices(Date.now()), []);
      assert.deepEqual(await h.services.store.listOkms({ limit: 10 }), []);
      const [entry] = await h.services.store.listTraffic({ limit: 1 });
      assert.equal(entry?.errorCode, 'ERR_OKM_DUPLICATE_KEY');
    } finally {
      await h.close();
    }
  });

  test('a /provision refused for its missing certificate keeps that code, and an ambiguous req claims no device', async () => {
    const h = await createDeviceAppHarness({ http: true, 'client-auth': 'provision' });
    try {
      const claimOf = async (reqText: string): Promise<[number, string | null, string | null]> => {
        const response = await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/provision', reqText) });
        await h.settle();
        const [entry] = await h.services.store.listTraffic({ limit: 1 });
        return [response.statusCode, entry?.errorCode ?? null, entry?.claimedDeviceId ?? null];
      };
      assert.deepEqual(await claimOf(`{"devid":"${CWM10}"}`), [403, 'ERR_CLIENT_CERT_MISSING', CWM10]);
      assert.deepEqual(await claimOf(`{"devid":"${CWM2}","devid":"${CWM10}"}`), [403, 'ERR_CLIENT_CERT_MISSING', null]);
    } finally {
      await h.close();
    }
  });
});
