// Security of the admin API: every route (enumerated from the server) refuses anonymous callers; a
// cross-site POST without the CSRF header is refused; provisioning keys and passwords never leak.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const PASSWORD = 'security test password';
let h: DeviceAppHarness;
before(async () => {
  h = await createDeviceAppHarness();
  await h.services.auth.addOperator('admin', PASSWORD);
});
after(() => h.close());

test('every admin API route, enumerated from the server, refuses a request without a session or token', async () => {
  const routes = h.deviceApp.app.adminRoutes.filter((route) => route.method !== 'HEAD');
  assert.ok(routes.length >= 15, `found ${routes.length} routes`);
  for (const route of routes) {
    if (route.method === 'POST' && route.url === '/api/v1/session') continue;
    const url = route.url.replace(':id', '0002010203040506').replace(':messageId', '1');
    const response = await h.deviceApp.app.inject({ method: route.method as 'GET', url, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {} });
    assert.equal(response.statusCode, 401, `${route.method} ${route.url}`);
    assert.equal(response.json().error, 'ERR_AUTH_REQUIRED');
  }
});

test('a cross-site form POST carrying the session cookie but no CSRF header is refused', async () => {
  const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  const response = await h.deviceApp.app.inject({
    method: 'POST',
    url: '/api/v1/devices',
    headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'id=0002666666666666',
  });
  assert.equal(response.statusCode, 403);
  assert.equal(await h.services.store.findDevice('0002666666666666'), null);
});

test('a provisioning key is shown only when it is created or rotated, and no password or key reaches a response or the audit log', async () => {
  const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  const headers = { cookie, 'x-csrf-token': csrf };
  const added = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/devices', headers, payload: { id: '0002777777777777', key: 'device-secret-key-0001' } });
  assert.equal(added.json().key, 'device-secret-key-0001');
  const rotated = (await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/devices/0002777777777777/rotate-key', headers, payload: {} })).json() as { key: string };
  const views = [
    await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/devices', headers }),
    await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/devices/0002777777777777', headers }),
    await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/fleet', headers }),
    await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/session', headers }),
  ];
  for (const view of views) {
    assert.equal(view.statusCode, 200);
    for (const secret of ['device-secret-key-0001', rotated.key, PASSWORD]) assert.ok(!view.body.includes(secret), `a secret leaked in ${view.body.slice(0, 80)}`);
  }
  const audit = JSON.stringify(await h.services.store.listAudit(100));
  for (const secret of ['device-secret-key-0001', rotated.key, PASSWORD]) assert.ok(!audit.includes(secret));
  const stored = await h.services.store.findOperator('admin');
  assert.match(stored?.passwordHash ?? '', /^scrypt\$32768\$8\$1\$/);
  assert.ok(!(stored?.passwordHash ?? '').includes(PASSWORD));
});
