// Operator JSON that names a member twice: JSON.parse would keep the last value without a word, which
// may not be the one the operator meant (or the one another tool in the chain reads), so the admin API
// and /pullform refuse it with 400 ERR_JSON_DUPLICATE_KEY, naming the member, and change nothing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const CWM = '0002010203040506';
const OKE = '1122334455667788';
const PASSWORD = 'correct horse battery staple';

describe('operator JSON naming a member twice', () => {
  let h: DeviceAppHarness;
  let cookie = '';
  let csrf = '';
  before(async () => {
    h = await createDeviceAppHarness();
    await h.services.auth.addOperator('admin', PASSWORD);
    await h.addDevice(CWM);
    const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
    cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    csrf = (login.json() as { csrfToken: string }).csrfToken;
  });
  after(() => h.close());

  /** Sends `body` as the exact JSON text of an API call. */
  const api = (method: 'POST' | 'PATCH', url: string, body: string): Promise<LightMyRequestResponse> =>
    h.deviceApp.app.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, payload: body });
  const queued = async (): Promise<unknown[]> => (await h.services.store.listMessages(CWM, Date.now())).map((m) => [m.cmd, m.destination, m.payload]);
  const assertApiRefused = (response: LightMyRequestResponse, detail: string): void => {
    assert.equal(response.statusCode, 400, response.body);
    assert.deepEqual(response.json(), { error: 'ERR_JSON_DUPLICATE_KEY', message: `a JSON object has the same member name twice: ${detail}` });
  };

  test('a message whose payload, command or destination is given twice is refused by the API and queues nothing', async () => {
    const messages = `/api/v1/devices/${CWM}/messages`;
    const before = await queued();
    assertApiRefused(await api('POST', messages, `{"destination":["${CWM}"],"cmd":"wr","payload":{"cmd":{"relay":1,"relay":0}}}`), '"relay" appears twice in body.payload.cmd');
    assertApiRefused(await api('POST', messages, `{"destination":["${CWM}"],"cmd":"rd","cmd":"wr","payload":{}}`), '"cmd" appears twice in body');
    assertApiRefused(await api('POST', messages, `{"destination":["${OKE}","${CWM}"],"destination":["${CWM}"],"cmd":"wr","payload":{}}`), '"destination" appears twice in body');
    assertApiRefused(await api('POST', messages, `{"destination":["${CWM}"],"cmd":"wr","payload":{"oke":{"port":"232"},"\\u006fke":{"port":"485"}}}`), '"oke" appears twice in body.payload');
    assertApiRefused(await api('POST', messages, `{"destination":["${CWM}"],"cmd":"wr","payload":{"list":[{"a":1},{"a":1,"a":2}]}}`), '"a" appears twice in body.payload.list[1]');
    assert.deepEqual(await queued(), before);
  });

  test('near-duplicate names and the same name in sibling objects are queued as sent', async () => {
    const response = await api('POST', `/api/v1/devices/${CWM}/messages`, `{"destination":["${CWM}"],"cmd":"wr","payload":{"a":1,"A":2,"a ":3,"x":{"a":4},"y":[{"a":5},{"a":6}]}}`);
    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual((response.json() as { payload: unknown }).payload, { a: 1, A: 2, 'a ': 3, x: { a: 4 }, y: [{ a: 5 }, { a: 6 }] });
  });

  test('other API bodies naming a member twice are refused and change nothing: a new device, a device change, a login', async () => {
    assertApiRefused(await api('POST', '/api/v1/devices', '{"id":"0002AAAAAAAAAAAA","id":"0002BBBBBBBBBBBB"}'), '"id" appears twice in body');
    assert.equal(await h.services.store.findDevice('0002AAAAAAAAAAAA'), null);
    assert.equal(await h.services.store.findDevice('0002BBBBBBBBBBBB'), null);
    assertApiRefused(await api('PATCH', `/api/v1/devices/${CWM}`, '{"isDisabled":true,"isDisabled":false}'), '"isDisabled" appears twice in body');
    assertApiRefused(await api('PATCH', `/api/v1/devices/${CWM}`, '{"name":"Oven 1","\\u006eame":"Oven 2"}'), '"name" appears twice in body');
    const device = await h.services.store.findDevice(CWM);
    assert.deepEqual([device?.isDisabled, device?.name], [false, null]);
    const login = await h.deviceApp.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: `{"name":"nobody","name":"admin","password":"${PASSWORD}"}`,
    });
    assertApiRefused(login, '"name" appears twice in body');
    assert.equal(login.headers['set-cookie'], undefined);
  });

  describe('/pullform', () => {
    const post = (fields: Record<string, string>): Promise<LightMyRequestResponse> =>
      h.deviceApp.app.inject({
        method: 'POST',
        url: '/pullform',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ csrf, _cmd: 'wr', ...fields }).toString(),
      });

    test('a _pld or _dst naming a member twice is refused with the member named, and queues nothing', async () => {
      const before = await queued();
      for (const [fields, detail] of [
        [{ _dst: `["${CWM}"]`, _pld: '{"cmd":{"relay":1},"cmd":{"relay":0}}' }, '&quot;cmd&quot; appears twice in _pld'],
        [{ _dst: `["${CWM}"]`, _pld: '{"cmd":{"relay":1,"\\u0072elay":0}}' }, '&quot;relay&quot; appears twice in _pld.cmd'],
        [{ _dst: `[{"id":"${CWM}","id":"${OKE}"}]`, _pld: '{}' }, '&quot;id&quot; appears twice in _dst[0]'],
      ] as const) {
        const response = await post(fields);
        assert.equal(response.statusCode, 400);
        assert.match(response.body, /<p role="alert">ERR_JSON_DUPLICATE_KEY: /);
        assert.ok(response.body.includes(detail), detail);
      }
      assert.deepEqual(await queued(), before);
    });
  });
});
