// /pullform: the vendor's three-field form, behind login and CSRF, queueing through the same code path.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const CWM = '0002010203040506';
let h: DeviceAppHarness;
let cookie = '';
let csrf = '';

before(async () => {
  h = await createDeviceAppHarness();
  await h.services.auth.addOperator('admin', 'a long enough password');
  await h.addDevice(CWM);
  const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: 'a long enough password' } });
  cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  csrf = (login.json() as { csrfToken: string }).csrfToken;
});
after(() => h.close());

const post = (fields: Record<string, string>) =>
  h.deviceApp.app.inject({
    method: 'POST',
    url: '/pullform',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

test('without a session /pullform sends the browser to the console login', async () => {
  const response = await h.deviceApp.app.inject({ method: 'GET', url: '/pullform' });
  assert.equal(response.statusCode, 302);
  assert.match(String(response.headers['location']), /^\/console\//);
});

test('with a session the form has the three vendor fields and the CSRF token', async () => {
  const response = await h.deviceApp.app.inject({ method: 'GET', url: '/pullform', headers: { cookie } });
  assert.equal(response.statusCode, 200);
  for (const name of ['_dst', '_pld', '_cmd']) assert.match(response.body, new RegExp(`name="${name}"`));
  assert.ok(response.body.includes(csrf));
});

test('a submission queues the message through the same rules as the API', async () => {
  const response = await post({ csrf, _dst: `["1122334455667788","${CWM}"]`, _pld: '{"cmd":{"relay":1}}', _cmd: 'wr' });
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /Queued message \d+ \(_id 1\)/);
  const messages = await h.services.store.listMessages(CWM, Date.now());
  assert.deepEqual(messages.map((m) => [m.cmd, m.payload]), [['wr', { cmd: { relay: 1 } }]]);
});

test('bad input and a missing CSRF token queue nothing and say why', async () => {
  const before = (await h.services.store.listMessages(CWM, Date.now())).length;
  const badJson = await post({ csrf, _dst: '["x"', _pld: '{}', _cmd: 'wr' });
  assert.equal(badJson.statusCode, 400);
  assert.match(badJson.body, /ERR_MESSAGE_JSON_INVALID/);
  const badCmd = await post({ csrf, _dst: `["${CWM}"]`, _pld: '{}', _cmd: 'xx' });
  assert.match(badCmd.body, /ERR_MESSAGE_CMD_INVALID/);
  const noCsrf = await post({ _dst: `["${CWM}"]`, _pld: '{"_ping":true}', _cmd: 'rd' });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal((await h.services.store.listMessages(CWM, Date.now())).length, before);
});
