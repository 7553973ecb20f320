// The admin API's schemas at the edge: every input of the wrong shape is a 400 with a named code and a
// message naming the field (never a 500), nothing changes, and answers carry only the fields their schema names.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_TTL_SECONDS } from '../src/domain/message-request.js';
import { MAX_MESSAGE_TTL_SECONDS } from '../src/adapters/admin-api/schemas/message-schemas.js';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const CWM = '0002010203040506';
const PASSWORD = 'correct horse battery staple';

describe('admin API input validation', () => {
  let h: DeviceAppHarness;
  let headers: Record<string, string>;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, extra: Record<string, string> = {}) =>
    h.deviceApp.app.inject({ method, url, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload: payload as string }) });
  const json = (method: 'POST' | 'PATCH', url: string, text: string) => call(method, url, text, { 'content-type': 'application/json' });

  before(async () => {
    h = await createDeviceAppHarness();
    await h.services.auth.addOperator('admin', PASSWORD);
    const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
    headers = { cookie: String(login.headers['set-cookie']).split(';')[0] ?? '', 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };
    await h.addDevice(CWM);
  });
  after(() => h.close());

  const refusals: Array<{ name: string; send: () => ReturnType<typeof call>; code: string; message: RegExp }> = [
    { name: 'a limit that is not a number', send: () => call('GET', '/api/v1/devices?limit=abc'), code: 'ERR_API_INVALID', message: /"limit" must be a whole number from 1 to 1000/ },
    { name: 'a negative limit', send: () => call('GET', '/api/v1/devices?limit=-1'), code: 'ERR_API_INVALID', message: /"limit" must be a whole number from 1 to 1000/ },
    { name: 'a fractional limit', send: () => call('GET', '/api/v1/devices?limit=1.5'), code: 'ERR_API_INVALID', message: /"limit" must be a whole number/ },
    { name: 'a limit in exponent notation', send: () => call('GET', '/api/v1/devices?limit=1e2'), code: 'ERR_API_INVALID', message: /"limit"/ },
    { name: 'a limit given twice', send: () => call('GET', '/api/v1/devices?limit=1&limit=2'), code: 'ERR_API_INVALID', message: /"limit"/ },
    { name: 'an unknown status', send: () => call('GET', '/api/v1/devices?status=asleep'), code: 'ERR_API_INVALID', message: /"status" must be one of online, offline, never-seen/ },
    { name: 'a traffic limit over 5000', send: () => call('GET', '/api/v1/traffic?limit=5001'), code: 'ERR_API_INVALID', message: /"limit" must be a whole number from 1 to 5000/ },
    { name: 'a time that is not ISO-8601', send: () => call('GET', '/api/v1/fleet/okms-per-minute?to=noon'), code: 'ERR_API_INVALID', message: /"to" must be an ISO-8601 time/ },
    { name: 'a telemetry request without a field', send: () => call('GET', `/api/v1/devices/${CWM}/telemetry`), code: 'ERR_API_INVALID', message: /"field" is required/ },
    { name: 'an unknown export format', send: () => call('GET', `/api/v1/devices/${CWM}/okms?format=xml`), code: 'ERR_API_INVALID', message: /"format" must be one of csv, ndjson/ },
    { name: 'a message id that is not a number', send: () => call('GET', '/api/v1/messages/abc'), code: 'ERR_API_INVALID', message: /"messageId" must be the message id/ },
    { name: 'a long poll of more than 60 s', send: () => call('GET', '/api/v1/messages/1?timeoutS=61'), code: 'ERR_API_INVALID', message: /"timeoutS" must be a whole number from 0 to 60/ },
    { name: 'an upload whose replace is not true or false', send: () => call('POST', '/api/v1/files?name=a.bin&replace=yes', 'x', { 'content-type': 'application/octet-stream' }), code: 'ERR_API_INVALID', message: /"replace" must be true or false/ },
    { name: 'a body field of the wrong type', send: () => json('PATCH', `/api/v1/devices/${CWM}`, '{"isDisabled":"true"}'), code: 'ERR_API_INVALID', message: /"isDisabled" must be true or false/ },
    { name: 'a name that is a number (bodies are not coerced)', send: () => json('PATCH', `/api/v1/devices/${CWM}`, '{"name":5}'), code: 'ERR_API_INVALID', message: /"name" must be a string or null/ },
    { name: 'a body that is an array', send: () => json('PATCH', `/api/v1/devices/${CWM}`, '[{"isDisabled":true}]'), code: 'ERR_API_INVALID', message: /the body must be a JSON object/ },
    { name: 'a body that is a string', send: () => json('POST', '/api/v1/devices', '"0002000000000009"'), code: 'ERR_API_INVALID', message: /the body must be a JSON object/ },
    { name: 'a missing required field', send: () => json('POST', '/api/v1/devices', '{"name":"fryer"}'), code: 'ERR_API_INVALID', message: /"id" is required/ },
    { name: 'an unknown body field', send: () => json('POST', '/api/v1/devices', '{"id":"0002000000000009","colour":"red"}'), code: 'ERR_API_INVALID', message: /"colour" is not a field of the body/ },
    { name: 'server certificate names that are not strings', send: () => json('POST', '/api/v1/ca/server-certificates', '{"names":["a",1]}'), code: 'ERR_API_INVALID', message: /"names\[1\]" must be a string/ },
    { name: 'an unknown key algorithm', send: () => json('POST', '/api/v1/ca', '{"algorithm":"dsa"}'), code: 'ERR_API_INVALID', message: /"algorithm" must be one of rsa-2048, ecdsa-p256/ },
    { name: 'a message _dst that is a string', send: () => json('POST', `/api/v1/devices/${CWM}/messages`, `{"destination":"${CWM}","cmd":"wr","payload":{}}`), code: 'ERR_MESSAGE_DST_INVALID', message: /"destination" must be a non-empty array of strings/ },
    { name: 'a message without cmd', send: () => json('POST', `/api/v1/devices/${CWM}/messages`, `{"destination":["${CWM}"],"payload":{}}`), code: 'ERR_MESSAGE_CMD_INVALID', message: /"cmd" is required/ },
    { name: 'a message _pld that is an array', send: () => json('POST', `/api/v1/devices/${CWM}/messages`, `{"destination":["${CWM}"],"cmd":"wr","payload":[1]}`), code: 'ERR_MESSAGE_PLD_INVALID', message: /"payload" must be a JSON object/ },
    { name: 'a fractional TTL', send: () => json('POST', `/api/v1/devices/${CWM}/messages`, `{"destination":["${CWM}"],"cmd":"wr","payload":{},"ttlSeconds":1.5}`), code: 'ERR_MESSAGE_TTL_INVALID', message: /"ttlSeconds" must be a whole number from 1 to 31536000/ },
  ];

  for (const refusal of refusals) {
    test(`${refusal.name} is refused with 400 ${refusal.code} naming the field`, async () => {
      const response = await refusal.send();
      assert.equal(response.statusCode, 400, response.body);
      assert.deepEqual(Object.keys(response.json() as object).sort(), ['error', 'message']);
      assert.equal(response.json().error, refusal.code);
      assert.match(String(response.json().message), refusal.message);
    });
  }

  test('a refused body changes nothing', async () => {
    await json('POST', '/api/v1/devices', '{"id":"0002000000000009","colour":"red"}');
    assert.equal(await h.services.store.findDevice('0002000000000009'), null);
    await json('PATCH', `/api/v1/devices/${CWM}`, '{"isDisabled":"true"}');
    assert.equal((await h.services.store.findDevice(CWM))?.isDisabled, false);
    assert.equal((await h.services.store.listMessages(CWM, Date.now())).length, 0);
  });

  test('an empty query parameter counts as absent', async () => {
    const response = await call('GET', '/api/v1/devices?limit=&offset=&search=');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((response.json() as { total: number }).total, 1);
  });

  test('a route whose body fields are all optional takes no body at all', async () => {
    const response = await call('POST', `/api/v1/devices/${CWM}/rotate-key`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(typeof (response.json() as { key: string }).key, 'string');
  });

  test('answers carry only the fields their schema names', async () => {
    // An unsigned push is refused and recorded; the stored entry has receivedAtMs, the answer receivedAt only.
    await h.deviceApp.app.inject({ method: 'POST', url: `/push?devid=${CWM}`, payload: 'x' });
    await h.settle();
    const traffic = (await call('GET', '/api/v1/traffic?limit=5')).json() as { items: Array<Record<string, unknown>> };
    assert.ok(traffic.items.length > 0);
    for (const entry of traffic.items) assert.ok(!('receivedAtMs' in entry) && typeof entry['receivedAt'] === 'string');
    const detail = (await call('GET', `/api/v1/devices/${CWM}`)).json() as { device: Record<string, unknown> };
    assert.deepEqual(Object.keys(detail.device).sort(), [
      'crcFailureCount', 'expectedIntervalS', 'id', 'isDisabled', 'isRegistered', 'lastRemoteAddress', 'lastSeenAt', 'name', 'okeIds', 'okmCount',
      'queuedCount', 'replaysRefusedCount', 'siteId', 'status', 'timeZone',
    ]);
  });

  test('the message schema allows the TTL the domain allows', () => {
    assert.equal(MAX_MESSAGE_TTL_SECONDS, MAX_TTL_SECONDS);
  });
});
