// The files admin API with a browser session: uploads need the CSRF header like every state change,
// and uploads and deletes are audit-logged with the operator's name.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const PASSWORD = 'files api test password';
let h: DeviceAppHarness;
let cookie = '';
let csrf = '';

before(async () => {
  h = await createDeviceAppHarness();
  await h.services.auth.addOperator('alice', PASSWORD);
  const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'alice', password: PASSWORD } });
  cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  csrf = (login.json() as { csrfToken: string }).csrfToken;
});
after(() => h.close());

test('an upload with the session cookie but without the CSRF header is refused and stores nothing', async () => {
  const response = await h.deviceApp.app.inject({
    method: 'POST', url: '/api/v1/files?name=fw.bin', headers: { cookie, 'content-type': 'application/octet-stream' }, payload: Buffer.from('firmware'),
  });
  assert.equal(response.statusCode, 403);
  assert.deepEqual(await h.services.files.listFiles(), []);
});

test('upload and delete are audit-logged with the operator, and JSON bodies are stored as bytes, not parsed', async () => {
  const body = '{"menu": [1, 2, 3]}';
  const uploaded = await h.deviceApp.app.inject({
    method: 'POST', url: '/api/v1/files?name=menu.json', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, payload: body,
  });
  assert.equal(uploaded.statusCode, 201, uploaded.body);
  assert.equal((uploaded.json() as { size: number; contentType: string }).size, Buffer.byteLength(body));
  assert.equal((uploaded.json() as { contentType: string }).contentType, 'application/json');
  const served = await h.deviceApp.app.inject({ method: 'GET', url: '/files/menu.json' });
  assert.equal(served.body, body);
  assert.equal(served.headers['content-type'], 'application/json');
  const deleted = await h.deviceApp.app.inject({ method: 'DELETE', url: '/api/v1/files/menu.json', headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(deleted.statusCode, 200);
  const audit = await h.services.store.listAudit(10);
  assert.deepEqual(audit.filter((entry) => entry.action.startsWith('file.')).map((entry) => [entry.actor, entry.action, entry.target]).sort(), [
    ['alice', 'file.add', 'menu.json'], ['alice', 'file.delete', 'menu.json'],
  ]);
});
