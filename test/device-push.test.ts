// POST /push through the whole device app (PROTOCOL.md A3): what is answered, what is stored, and
// what the traffic recorder keeps, for good pushes and for every kind of bad one.

import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { sealOkmCrc } from '../src/protocol/okm-crc.js';
import { signRequest } from '../src/protocol/request-signature.js';
import type { StoredTrafficEntry } from '../src/domain/traffic-store.js';
import { createDeviceAppHarness, TEST_KEY, type DeviceAppHarness } from './device-app-harness.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { redactFormBody, redactUrl } from '../src/protocol/signature-redaction.js';

const CWM = '0002010203040506';
const OKE = '036334d0b8df1f05';
const FORM = 'application/x-www-form-urlencoded';

function errorBody(code: string): string {
  return `{"push":false,"pull":false,"error":"${code}"}`;
}

async function lastTraffic(h: DeviceAppHarness, deviceId?: string | null): Promise<StoredTrafficEntry> {
  await h.settle();
  const entries = await h.services.store.listTraffic(deviceId === undefined ? { limit: 1 } : { deviceId, limit: 1 });
  const entry = entries[0];
  assert.ok(entry, 'a traffic entry was recorded');
  return entry;
}

/** The request was refused with `status` and `code`, stored no OKM, and was recorded with the code. */
async function assertRefused(h: DeviceAppHarness, response: LightMyRequestResponse, status: number, code: string): Promise<StoredTrafficEntry> {
  assert.equal(response.statusCode, status);
  assert.equal(response.body, errorBody(code));
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.deepEqual(await h.services.store.listOkms({ limit: 10 }), []);
  const entry = await lastTraffic(h);
  assert.equal(entry.status, status);
  assert.equal(entry.errorCode, code);
  assert.equal(entry.response, errorBody(code));
  return entry;
}

describe('POST /push in hmac mode', () => {
  let h: DeviceAppHarness;
  beforeEach(async () => {
    h = await createDeviceAppHarness();
    await h.addDevice(CWM);
  });
  afterEach(async () => h.close());

  const push = (url: string, extra: { payload?: string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> =>
    h.deviceApp.app.inject({ method: 'POST', url, ...extra });

  describe('accepted pushes', () => {
    test('a signed push is answered {"push":true,"pull":false} as JSON and its OKM is stored byte for byte', async () => {
      const okm = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 7 });
      const response = await push(signedPath('/push', pushReqText(okm), TEST_KEY));
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"push":true,"pull":false}');
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const stored = await h.services.store.listOkms({ cwmId: CWM, limit: 10 });
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.rawOkm, okm);
      assert.equal(stored[0]?.originId, OKE);
      assert.equal(stored[0]?.okmId, 7);
      assert.equal(stored[0]?.auth, 'hmac');
      assert.equal(stored[0]?.crcVerdict, 'valid');
      const entry = await lastTraffic(h, CWM);
      assert.equal(entry.signatureVerdict, 'valid');
      assert.equal(entry.crcVerdict, 'valid');
      assert.equal(entry.errorCode, null);
      assert.equal(entry.status, 200);
      assert.equal((await h.services.store.findDevice(CWM))?.okmCount, 1);
    });

    test('a push whose fields come in a form body is accepted like one in the query string', async () => {
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 8 });
      const reqText = pushReqText(okm);
      const body = `sha256hmac=${signRequest(reqText, TEST_KEY)}&req=${encodeURIComponent(reqText)}`;
      const response = await push('/push', { payload: body, headers: { 'content-type': `${FORM}; charset=utf-8` } });
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"push":true,"pull":false}');
      assert.deepEqual((await h.services.store.listOkms({ cwmId: CWM, limit: 10 })).map((o) => o.rawOkm), [okm]);
      assert.equal((await lastTraffic(h, CWM)).body, redactFormBody(body), 'recorded without its signature');
    });

    test('a form body encoded the URLSearchParams way (spaces as +) verifies and stores the spaces', async () => {
      const okm = sealOkmCrc(`{"_src":["${CWM}"],"_cmd":"wr","_id":9,"_ts":"2026-11-24T12:00:00","_crc":"0000","_pld":{"note":"two words"}}`);
      const reqText = pushReqText(okm);
      const body = new URLSearchParams({ sha256hmac: signRequest(reqText, TEST_KEY), req: reqText }).toString();
      assert.ok(body.includes('two+words'));
      const response = await push('/push', { payload: body, headers: { 'content-type': FORM } });
      assert.equal(response.statusCode, 200);
      const stored = await h.services.store.listOkms({ cwmId: CWM, limit: 10 });
      assert.equal(stored[0]?.rawOkm, okm);
      assert.equal(stored[0]?.crcVerdict, 'valid');
    });

    test('a literal + left unencoded by a percent-only client is read as +, because that reading is the one signed', async () => {
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 10, ts: '2026-11-24T12:00:00+01:00' });
      const reqText = pushReqText(okm);
      const url = signedPath('/push', reqText, TEST_KEY).replace(/%2B/g, '+');
      assert.ok(url.includes('+01'));
      const response = await push(url);
      assert.equal(response.statusCode, 200);
      const stored = await h.services.store.listOkms({ cwmId: CWM, limit: 10 });
      assert.equal(stored[0]?.rawOkm, okm);
      assert.equal(stored[0]?.ts, '2026-11-24T12:00:00+01:00');
    });

    test('the answer says pull:true while a message is queued for the CWM', async () => {
      await h.services.queue.queueMessage({ destination: [CWM], cmd: 'rd', payload: { _ping: true } });
      const response = await push(signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 11 })), TEST_KEY));
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"push":true,"pull":true}');
    });

    test('the same OKM pushed twice is acknowledged twice and stored once', async () => {
      const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 12 })), TEST_KEY);
      const first = await push(url);
      const second = await push(url);
      assert.equal(first.statusCode, 200);
      assert.equal(second.statusCode, 200);
      assert.equal(second.body, '{"push":true,"pull":false}');
      assert.equal(await h.services.store.countOkms(CWM), 1);
      assert.equal((await h.services.store.findDevice(CWM))?.okmCount, 1);
    });

    test('the same OKM re-sent in a new envelope (another req.ts) is still stored once', async () => {
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 13 });
      await push(signedPath('/push', pushReqText(okm, '2026-11-24T12:00:01'), TEST_KEY));
      const again = await push(signedPath('/push', pushReqText(okm, '2026-11-24T12:05:00'), TEST_KEY));
      assert.equal(again.statusCode, 200);
      assert.equal(await h.services.store.countOkms(CWM), 1);
    });

    test('an OKM without _crc is stored and flagged, and counted as a CRC failure of the CWM', async () => {
      const okm = `{"_src":["${CWM}"],"_cmd":"wr","_id":14,"_ts":"2026-11-24T12:00:00","_pld":{"_hbt":{"door":1}}}`;
      const response = await push(signedPath('/push', pushReqText(okm), TEST_KEY));
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"push":true,"pull":false}');
      const stored = await h.services.store.listOkms({ cwmId: CWM, limit: 10 });
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.crcVerdict, 'missing');
      assert.equal((await h.services.store.findDevice(CWM))?.crcFailureCount, 1);
      assert.equal((await lastTraffic(h, CWM)).crcVerdict, 'missing');
    });

    test('an OKM with a wrong _crc is stored and flagged, and each one adds to the CRC failure count', async () => {
      for (const id of [15, 16]) {
        const okm = buildUpstreamOkm({ cwmId: CWM, id }).replace(/"_crc":"[0-9A-F]{4}"/, '"_crc":"FFFF"');
        const response = await push(signedPath('/push', pushReqText(okm), TEST_KEY));
        assert.equal(response.statusCode, 200);
      }
      const stored = await h.services.store.listOkms({ cwmId: CWM, limit: 10 });
      assert.deepEqual(stored.map((o) => o.crcVerdict), ['mismatch', 'mismatch']);
      assert.equal((await h.services.store.findDevice(CWM))?.crcFailureCount, 2);
      assert.equal((await lastTraffic(h, CWM)).crcVerdict, 'mismatch');
    });

    test('a CRC sent in lower-case hex is valid', async () => {
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 17 }).replace(/"_crc":"([0-9A-F]{4})"/, (_m, crc: string) => `"_crc":"${crc.toLowerCase()}"`);
      await push(signedPath('/push', pushReqText(okm), TEST_KEY));
      assert.equal((await h.services.store.listOkms({ cwmId: CWM, limit: 1 }))[0]?.crcVerdict, 'valid');
      assert.equal((await h.services.store.findDevice(CWM))?.crcFailureCount, 0);
    });

    test('a hex provisioning key is accepted when the device used its decoded bytes as the HMAC key', async () => {
      const hexKey = '00112233445566778899aabbccddeeff';
      await h.addDevice('HEXCWM', hexKey);
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: 'HEXCWM', id: 1 }));
      const signature = signRequest(reqText, Buffer.from(hexKey, 'hex'));
      const response = await push(`/push?sha256hmac=${signature}&req=${encodeURIComponent(reqText)}`);
      assert.equal(response.statusCode, 200);
      assert.equal(await h.services.store.countOkms('HEXCWM'), 1);
    });
  });

  describe('refused pushes: malformed requests answer 400 and store nothing', () => {
    test('a "%" not followed by two hex digits in req is ERR_REQUEST_ENCODING', async () => {
      await assertRefused(h, await push('/push?sha256hmac=00&req=%zz'), 400, 'ERR_REQUEST_ENCODING');
    });

    test('a percent escape that is not UTF-8 (%E9) is ERR_REQUEST_ENCODING', async () => {
      await assertRefused(h, await push('/push?req=%7B%22okm%22%3A%E9%7D'), 400, 'ERR_REQUEST_ENCODING');
    });

    test('a bad escape in sha256hmac is ERR_REQUEST_ENCODING even when req is fine', async () => {
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      await assertRefused(h, await push(`/push?sha256hmac=%G1&req=${encodeURIComponent(reqText)}`), 400, 'ERR_REQUEST_ENCODING');
    });

    test('a bad escape in a form body is ERR_REQUEST_ENCODING', async () => {
      const response = await push('/push', { payload: 'req=%E9', headers: { 'content-type': FORM } });
      await assertRefused(h, response, 400, 'ERR_REQUEST_ENCODING');
    });

    test('a push with no req is ERR_REQUEST_MISSING_REQ', async () => {
      await assertRefused(h, await push(`/push?sha256hmac=${'a'.repeat(64)}`), 400, 'ERR_REQUEST_MISSING_REQ');
    });

    test('a bare POST /push with neither parameter is ERR_REQUEST_MISSING_REQ', async () => {
      await assertRefused(h, await push('/push'), 400, 'ERR_REQUEST_MISSING_REQ');
    });

    test('req given twice in the query is ERR_REQUEST_DUPLICATE_PARAM, even when both copies are equal', async () => {
      const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })), TEST_KEY);
      const reqParam = url.slice(url.indexOf('&req=') + 1);
      await assertRefused(h, await push(`${url}&${reqParam}`), 400, 'ERR_REQUEST_DUPLICATE_PARAM');
    });

    test('req given once in the query and once in a form body is ERR_REQUEST_DUPLICATE_PARAM', async () => {
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      const response = await push(signedPath('/push', reqText, TEST_KEY), {
        payload: `req=${encodeURIComponent(reqText)}`,
        headers: { 'content-type': FORM },
      });
      await assertRefused(h, response, 400, 'ERR_REQUEST_DUPLICATE_PARAM');
    });

    test('sha256hmac given twice is ERR_REQUEST_DUPLICATE_PARAM', async () => {
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      const signature = signRequest(reqText, TEST_KEY);
      const response = await push(`/push?sha256hmac=${signature}&sha256hmac=${signature}&req=${encodeURIComponent(reqText)}`);
      await assertRefused(h, response, 400, 'ERR_REQUEST_DUPLICATE_PARAM');
    });

    test('req that is not JSON is ERR_REQUEST_NOT_JSON', async () => {
      await assertRefused(h, await push(signedPath('/push', '{"okm":', TEST_KEY)), 400, 'ERR_REQUEST_NOT_JSON');
    });

    test('req that is a JSON array is ERR_REQUEST_NOT_OBJECT', async () => {
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 1 });
      await assertRefused(h, await push(signedPath('/push', `[${okm}]`, TEST_KEY)), 400, 'ERR_REQUEST_NOT_OBJECT');
    });

    test('req that is JSON null is ERR_REQUEST_NOT_OBJECT', async () => {
      await assertRefused(h, await push(signedPath('/push', 'null', TEST_KEY)), 400, 'ERR_REQUEST_NOT_OBJECT');
    });

    test('req without an okm member is ERR_REQUEST_MISSING_OKM', async () => {
      await assertRefused(h, await push(signedPath('/push', '{"ts":"2026-11-24T12:00:01"}', TEST_KEY)), 400, 'ERR_REQUEST_MISSING_OKM');
    });

    test('an okm that is not an object is ERR_OKM_NOT_OBJECT', async () => {
      for (const okm of ['"text"', '[1,2]', 'null', '42']) {
        const response = await push(signedPath('/push', `{"okm":${okm}}`, TEST_KEY));
        await assertRefused(h, response, 400, 'ERR_OKM_NOT_OBJECT');
      }
    });

    test('an okm without _src is ERR_OKM_MISSING_SOURCE', async () => {
      const okm = sealOkmCrc('{"_cmd":"wr","_id":1,"_crc":"0000","_pld":{}}');
      await assertRefused(h, await push(signedPath('/push', pushReqText(okm), TEST_KEY)), 400, 'ERR_OKM_MISSING_SOURCE');
    });

    test('an _src that is not an array of one or two device id strings is ERR_OKM_BAD_SOURCE', async () => {
      for (const source of [`"${CWM}"`, '[]', '[1,2]', `["${OKE}",7]`, `["a","b","${CWM}"]`, '[""]', '["has space"]', 'null']) {
        const okm = `{"_src":${source},"_cmd":"wr","_id":1,"_pld":{}}`;
        const response = await push(signedPath('/push', pushReqText(okm), TEST_KEY));
        await assertRefused(h, response, 400, 'ERR_OKM_BAD_SOURCE');
      }
    });

    test('an OKM header of the wrong type (_id as a string) is ERR_OKM_FIELD_TYPE', async () => {
      const okm = `{"_src":["${CWM}"],"_cmd":"wr","_id":"1","_pld":{}}`;
      await assertRefused(h, await push(signedPath('/push', pushReqText(okm), TEST_KEY)), 400, 'ERR_OKM_FIELD_TYPE');
    });
  });

  describe('refused pushes: authentication failures answer 401 and store nothing', () => {
    test('a push from a registered CWM without sha256hmac is ERR_SIGNATURE_MISSING', async () => {
      const entry = await assertRefused(h, await push(signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })))), 401, 'ERR_SIGNATURE_MISSING');
      assert.equal(entry.deviceId, CWM);
      assert.equal(entry.signatureVerdict, 'missing');
    });

    test('an empty sha256hmac counts as missing', async () => {
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      await assertRefused(h, await push(`/push?sha256hmac=&req=${encodeURIComponent(reqText)}`), 401, 'ERR_SIGNATURE_MISSING');
    });

    test('a sha256hmac that is not 64 hex digits is ERR_SIGNATURE_MALFORMED', async () => {
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      for (const signature of ['zz'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(33)]) {
        const response = await push(`/push?sha256hmac=${signature}&req=${encodeURIComponent(reqText)}`);
        const entry = await assertRefused(h, response, 401, 'ERR_SIGNATURE_MALFORMED');
        assert.equal(entry.signatureVerdict, 'malformed');
      }
    });

    test('a push signed with another key is ERR_SIGNATURE_INVALID', async () => {
      const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })), 'some-other-key-123');
      const entry = await assertRefused(h, await push(url), 401, 'ERR_SIGNATURE_INVALID');
      assert.equal(entry.signatureVerdict, 'invalid');
    });

    test('a signature over a different req (a replayed signature on altered content) is ERR_SIGNATURE_INVALID', async () => {
      const signed = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      const altered = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 2 }));
      const response = await push(`/push?sha256hmac=${signRequest(signed, TEST_KEY)}&req=${encodeURIComponent(altered)}`);
      await assertRefused(h, response, 401, 'ERR_SIGNATURE_INVALID');
    });

    test('one CWM cannot push as another: a push naming CWM B signed with CWM A key is ERR_SIGNATURE_INVALID', async () => {
      await h.addDevice('CWM-A', 'key-of-cwm-a-0001');
      const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })), 'key-of-cwm-a-0001');
      await assertRefused(h, await push(url), 401, 'ERR_SIGNATURE_INVALID');
      assert.equal(await h.services.store.countOkms('CWM-A'), 0);
    });

    test('a push from an unregistered CWM is ERR_DEVICE_UNKNOWN, recorded with the unknown senders, and registers nothing', async () => {
      const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: 'GHOST01', id: 1 })), TEST_KEY);
      const response = await push(url);
      const entry = await assertRefused(h, response, 401, 'ERR_DEVICE_UNKNOWN');
      assert.equal(entry.deviceId, null);
      assert.equal(entry.claimedDeviceId, 'GHOST01');
      const unknown = await h.services.store.listTraffic({ deviceId: null, limit: 10 });
      assert.equal(unknown.length, 1);
      assert.equal(unknown[0]?.url, redactUrl(url));
      assert.equal(await h.services.store.findDevice('GHOST01'), null);
    });
  });

  describe('refused pushes: size limits and methods', () => {
    test('GET /push is 405 ERR_METHOD_NOT_ALLOWED with Allow: POST and stores nothing even when signed', async () => {
      const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })), TEST_KEY);
      const response = await h.deviceApp.app.inject({ method: 'GET', url });
      assert.equal(response.headers['allow'], 'POST');
      const entry = await assertRefused(h, response, 405, 'ERR_METHOD_NOT_ALLOWED');
      assert.equal(entry.method, 'GET');
    });

    test('PUT and DELETE /push are 405 too', async () => {
      for (const method of ['PUT', 'DELETE'] as const) {
        const response = await h.deviceApp.app.inject({ method, url: '/push' });
        assert.equal(response.statusCode, 405);
        assert.equal(response.headers['allow'], 'POST');
        assert.equal(response.body, errorBody('ERR_METHOD_NOT_ALLOWED'));
      }
    });
  });
});

describe('POST /push size limits', () => {
  let h: DeviceAppHarness;
  afterEach(async () => h.close());

  test('an OKM over --max-okm-bytes is 413 ERR_OKM_TOO_LARGE and not stored', async () => {
    h = await createDeviceAppHarness({ 'max-okm-bytes': '256' });
    await h.addDevice(CWM);
    const okm = buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { blob: 'x'.repeat(300) } });
    await assertRefused(h, await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(okm), TEST_KEY) }), 413, 'ERR_OKM_TOO_LARGE');
  });

  test('an OKM at the --max-okm-bytes limit is accepted, counted in UTF-8 bytes', async () => {
    h = await createDeviceAppHarness({ 'max-okm-bytes': '256' });
    await h.addDevice(CWM);
    const base = buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { blob: '' } });
    const fill = (256 - Buffer.byteLength(base)) / 2;
    // Two-byte characters: the text is short in UTF-16 but exactly at the limit in UTF-8.
    const okm = buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { blob: 'é'.repeat(fill) } });
    assert.equal(Buffer.byteLength(okm), 256);
    const accepted = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(okm), TEST_KEY) });
    assert.equal(accepted.statusCode, 200);
    const over = buildUpstreamOkm({ cwmId: CWM, id: 2, payload: { blob: 'é'.repeat(fill + 1) } });
    const refused = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(over), TEST_KEY) });
    assert.equal(refused.statusCode, 413);
    assert.equal(refused.body, errorBody('ERR_OKM_TOO_LARGE'));
    assert.equal(await h.services.store.countOkms(CWM), 1);
  });

  test('a body over --max-body-bytes is 413 ERR_REQUEST_TOO_LARGE and not stored', async () => {
    h = await createDeviceAppHarness({ 'max-body-bytes': '1024' });
    await h.addDevice(CWM);
    const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { blob: 'x'.repeat(1200) } }));
    const body = `sha256hmac=${signRequest(reqText, TEST_KEY)}&req=${encodeURIComponent(reqText)}`;
    const response = await h.deviceApp.app.inject({ method: 'POST', url: '/push', payload: body, headers: { 'content-type': FORM } });
    await assertRefused(h, response, 413, 'ERR_REQUEST_TOO_LARGE');
  });

  test('a URL over --max-query-bytes is 413 ERR_REQUEST_TOO_LARGE and not stored', async () => {
    h = await createDeviceAppHarness({ 'max-query-bytes': '1024' });
    await h.addDevice(CWM);
    const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { blob: 'x'.repeat(1200) } })), TEST_KEY);
    assert.ok(url.length > 1024);
    await assertRefused(h, await h.deviceApp.app.inject({ method: 'POST', url }), 413, 'ERR_REQUEST_TOO_LARGE');
  });
});

describe('POST /push in open mode', () => {
  let h: DeviceAppHarness;
  beforeEach(async () => {
    h = await createDeviceAppHarness({ auth: 'open' });
  });
  afterEach(async () => h.close());

  test('an unsigned push from a registered CWM is stored with auth "unsigned"', async () => {
    await h.addDevice(CWM);
    const response = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }))) });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '{"push":true,"pull":false}');
    assert.deepEqual((await h.services.store.listOkms({ cwmId: CWM, limit: 10 })).map((o) => o.auth), ['unsigned']);
  });

  test('a push from a registered CWM with a wrong signature is stored with auth "bad-signature"', async () => {
    await h.addDevice(CWM);
    const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })), 'wrong-key-000000');
    assert.equal((await h.deviceApp.app.inject({ method: 'POST', url })).statusCode, 200);
    assert.deepEqual((await h.services.store.listOkms({ cwmId: CWM, limit: 10 })).map((o) => o.auth), ['bad-signature']);
  });

  test('a correctly signed push in open mode is still stored with auth "hmac"', async () => {
    await h.addDevice(CWM);
    const url = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })), TEST_KEY);
    assert.equal((await h.deviceApp.app.inject({ method: 'POST', url })).statusCode, 200);
    assert.deepEqual((await h.services.store.listOkms({ cwmId: CWM, limit: 10 })).map((o) => o.auth), ['hmac']);
  });

  test('a push from an unknown CWM is stored with auth "unknown-device" and the CWM is added as discovered, without a key', async () => {
    const response = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: 'NEWCWM', okeId: OKE, id: 3 }))) });
    assert.equal(response.statusCode, 200);
    const stored = await h.services.store.listOkms({ cwmId: 'NEWCWM', limit: 10 });
    assert.deepEqual(stored.map((o) => [o.auth, o.originId]), [['unknown-device', OKE]]);
    const device = await h.services.store.findDevice('NEWCWM');
    assert.ok(device);
    assert.equal(device.key, null);
    assert.equal(device.okmCount, 1);
    const entry = await lastTraffic(h, 'NEWCWM');
    assert.equal(entry.claimedDeviceId, 'NEWCWM');
    assert.equal(entry.status, 200);
  });

  test('open mode still refuses malformed requests with 400 and stores nothing', async () => {
    await assertRefused(h, await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', '{"okm":{"_src":[]}}') }), 400, 'ERR_OKM_BAD_SOURCE');
  });
});
