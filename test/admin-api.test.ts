// The admin REST API through Fastify's inject: authentication (sessions, CSRF, tokens, rate limit),
// devices, messages, telemetry, fleet and traffic, with what each refusal leaves behind (nothing).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createDeviceAppHarness, createManualClock, TEST_KEY, type DeviceAppHarness } from './device-app-harness.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';

const CWM = '0002010203040506';
const OKE = '0363aabbccddeeff';
const PASSWORD = 'correct horse battery staple';

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function login(h: DeviceAppHarness, name = 'admin', password = PASSWORD, remoteAddress = '10.9.9.9'): Promise<LightMyRequestResponse> {
  return h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password }, remoteAddress });
}

async function session(h: DeviceAppHarness): Promise<Session> {
  const response = await login(h);
  assert.equal(response.statusCode, 200, response.body);
  const cookie = String(response.headers['set-cookie']).split(';')[0] ?? '';
  return { cookie, csrf: (response.json() as { csrfToken: string }).csrfToken };
}

function call(h: DeviceAppHarness, s: Session | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, withCsrf = true) {
  const headers: Record<string, string> = {};
  if (s) headers['cookie'] = s.cookie;
  if (s && withCsrf && method !== 'GET') headers['x-csrf-token'] = s.csrf;
  return h.deviceApp.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

describe('admin API authentication', () => {
  let h: DeviceAppHarness;
  before(async () => {
    h = await createDeviceAppHarness();
    await h.services.auth.addOperator('admin', PASSWORD);
  });
  after(() => h.close());

  test('every route but login answers 401 ERR_AUTH_REQUIRED without a session or token', async () => {
    for (const url of ['/api/v1/devices', '/api/v1/fleet', '/api/v1/openapi.json', '/api/v1/traffic', '/api/v1/session', '/api/v1/no-such-route']) {
      const response = await h.deviceApp.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 401, url);
      assert.equal(response.json().error, 'ERR_AUTH_REQUIRED');
    }
  });

  test('a login sets an HttpOnly, Secure, SameSite=Strict session cookie and returns a CSRF token', async () => {
    const response = await login(h);
    assert.equal(response.statusCode, 200);
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /^opentps_session=[A-Za-z0-9_-]{40,};/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) assert.ok(cookie.includes(attribute), attribute);
    const body = response.json() as { operator: { name: string }; csrfToken: string };
    assert.equal(body.operator.name, 'admin');
    const me = await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: cookie.split(';')[0] ?? '' } });
    assert.equal(me.json().csrfToken, body.csrfToken);
  });

  test('a wrong password and an unknown name both answer ERR_LOGIN_FAILED, and set no cookie', async () => {
    for (const [name, password] of [['admin', 'wrong password!'], ['nobody', PASSWORD]] as const) {
      const response = await login(h, name, password, '10.1.1.1');
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error, 'ERR_LOGIN_FAILED');
      assert.equal(response.headers['set-cookie'], undefined);
    }
  });

  test('three failed logins for a name from one address are followed by 429 with Retry-After, even with the right password', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login(h, 'admin', `wrong-${i}-password`, '10.2.2.2')).statusCode, 401);
    const limited = await login(h, 'admin', PASSWORD, '10.2.2.2');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error, 'ERR_LOGIN_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });

  test('a state change with the session cookie but without the CSRF header is 403 and changes nothing', async () => {
    const s = await session(h);
    const refused = await call(h, s, 'POST', '/api/v1/devices', { id: CWM }, false);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error, 'ERR_CSRF');
    const wrong = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/devices', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(32) }, payload: { id: CWM } });
    assert.equal(wrong.statusCode, 403);
    assert.equal(await h.services.store.findDevice(CWM), null);
  });

  test('an API token works as Authorization: Bearer without CSRF; an unknown one is refused', async () => {
    const token = await h.services.auth.createApiToken('admin', 'test script');
    const ok = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/devices', headers: { authorization: `Bearer ${token}` }, payload: { id: '0002000000000042', name: 'Via token' } });
    assert.equal(ok.statusCode, 201, ok.body);
    const refused = await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization: 'Bearer otps_not-a-token' } });
    assert.equal(refused.statusCode, 401);
    const audit = await h.services.store.listAudit(50);
    assert.ok(audit.some((entry) => entry.actor === 'admin' && entry.action === 'device.add' && entry.target === '0002000000000042'));
  });

  test('logging out ends the session', async () => {
    const s = await session(h);
    assert.equal((await call(h, s, 'DELETE', '/api/v1/session')).statusCode, 204);
    assert.equal((await call(h, s, 'GET', '/api/v1/devices')).statusCode, 401);
  });

  test('a body that is not JSON is 400 ERR_API_INVALID; an unknown route is 404 ERR_API_NOT_FOUND', async () => {
    const s = await session(h);
    const bad = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/devices', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, payload: '{"id":' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'ERR_API_INVALID');
    const missing = await call(h, s, 'GET', '/api/v1/nothing-here');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error, 'ERR_API_NOT_FOUND');
  });

  test('operator requests are not recorded as device traffic', async () => {
    const s = await session(h);
    await call(h, s, 'GET', '/api/v1/fleet');
    await h.settle();
    const traffic = await h.services.store.listTraffic({ limit: 1000 });
    assert.ok(traffic.every((entry) => !entry.url.startsWith('/api/')));
  });
});

describe('admin API resources', () => {
  const clock = createManualClock();
  let h: DeviceAppHarness;
  let s: Session;
  const push = async (okmId: number, originId: string, fields: Record<string, unknown>, key = TEST_KEY) => {
    const okm = buildUpstreamOkm({ cwmId: CWM, ...(originId === CWM ? {} : { okeId: originId }), id: okmId, payload: { _hbt: fields } });
    return h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(okm), key) });
  };
  before(async () => {
    h = await createDeviceAppHarness({}, clock);
    await h.services.auth.addOperator('admin', PASSWORD);
    s = await session(h);
    await h.addDevice(CWM);
    await h.addDevice('0002000000000002');
    for (let i = 0; i < 6; i++) {
      await push(i + 1, OKE, { temp: 170 + i, door: i % 2, cook: 'idle' });
      await push(i + 1, CWM, { ti: 40, diag: [i, 0, 0, 0], port: 'usb', baud: 115200, if: 'wifi', '5v': 5010, '12v': 12010 });
      clock.advanceMs(60_000);
    }
    await h.settle();
  });
  after(() => h.close());

  test('the device list derives online/never-seen from each CWM and filters, sorts and pages', async () => {
    const all = (await call(h, s, 'GET', '/api/v1/devices?sort=id')).json() as { items: Array<{ id: string; status: string; okeIds: string[]; expectedIntervalS: number }>; total: number };
    assert.equal(all.total, 2);
    const fryer = all.items.find((d) => d.id === CWM);
    assert.equal(fryer?.status, 'online');
    assert.deepEqual(fryer?.okeIds, [OKE]);
    assert.equal(fryer?.expectedIntervalS, 60);
    assert.equal(all.items.find((d) => d.id === '0002000000000002')?.status, 'never-seen');
    const online = (await call(h, s, 'GET', '/api/v1/devices?status=online')).json() as { total: number };
    assert.equal(online.total, 1);
    const page = (await call(h, s, 'GET', '/api/v1/devices?sort=id&order=desc&limit=1&offset=1')).json() as { items: Array<{ id: string }> };
    assert.deepEqual(page.items.map((d) => d.id), ['0002000000000002']);
    assert.equal((await call(h, s, 'GET', '/api/v1/devices?sort=colour')).statusCode, 400);
  });

  test('a bad sort, order, status, limit or offset of the device list is 400 ERR_API_INVALID naming it', async () => {
    const refusals: Array<[string, string]> = [
      ['sort=colour', '"sort"'], ['order=up', '"order"'], ['status=asleep', '"status"'], ['limit=0', '"limit"'], ['limit=1001', '"limit"'],
      ['limit=ten', '"limit"'], ['offset=-1', '"offset"'], ['offset=1.5', '"offset"'], ['offset=10000001', '"offset"'],
    ];
    for (const [query, name] of refusals) {
      const refused = await call(h, s, 'GET', `/api/v1/devices?${query}`);
      assert.equal(refused.statusCode, 400, query);
      assert.equal(refused.json().error, 'ERR_API_INVALID', query);
      assert.ok(String(refused.json().message).includes(name), query);
    }
  });

  test('a CWM goes offline after three of its usual intervals without a request', async () => {
    clock.advanceMs(4 * 60_000);
    const list = (await call(h, s, 'GET', '/api/v1/devices?status=offline')).json() as { items: Array<{ id: string }> };
    assert.deepEqual(list.items.map((d) => d.id), [CWM]);
    clock.advanceMs(-4 * 60_000);
  });

  test('device details carry the OKE states and the CWM diagnostics', async () => {
    const details = (await call(h, s, 'GET', `/api/v1/devices/${CWM}`)).json() as { states: Array<{ deviceId: string; fields: Record<string, unknown> }>; diagnostics: Record<string, unknown> };
    assert.deepEqual(details.diagnostics, { diag: [5, 0, 0, 0], port: 'usb', baud: 115200, if: 'wifi', '5v': 5010, '12v': 12010, ti: 40 });
    assert.equal(details.states.find((st) => st.deviceId === OKE)?.fields['temp'], 175);
    assert.equal((await call(h, s, 'GET', '/api/v1/devices/0002999999999999')).statusCode, 404);
  });

  test('a telemetry series is downsampled to min/max/avg per bucket', async () => {
    const from = new Date(clock.nowMs() - 6 * 60_000).toISOString();
    const to = new Date(clock.nowMs()).toISOString();
    const series = (await call(h, s, 'GET', `/api/v1/devices/${CWM}/telemetry?origin=${OKE}&field=temp&from=${from}&to=${to}&points=3`)).json() as { points: Array<{ min: number; max: number; avg: number; n: number }> };
    assert.deepEqual(series.points.map((p) => [p.min, p.max, p.avg, p.n]), [[170, 171, 170.5, 2], [172, 173, 172.5, 2], [174, 175, 174.5, 2]]);
    const fields = (await call(h, s, 'GET', `/api/v1/devices/${CWM}/fields`)).json() as { origins: Array<{ deviceId: string; numericFields: string[] }> };
    assert.deepEqual(fields.origins.find((o) => o.deviceId === OKE)?.numericFields, ['door', 'temp']);
    assert.equal((await call(h, s, 'GET', `/api/v1/devices/${CWM}/telemetry?field=$.x`)).statusCode, 400);
  });

  test('a fleet series and the fleet OKM counts come from rollups once written; bad requests get 400 with the reason', async () => {
    // As a few seconds after the last heartbeat's minute ended: a fleet series reads the minutes written.
    await h.services.rollups.flush(clock.nowMs() + 60_000);
    const from = new Date(clock.nowMs() - 86_400_000).toISOString();
    const to = new Date(clock.nowMs()).toISOString();
    const series = await call(h, s, 'GET', `/api/v1/series?field=temp&devices=${OKE},0002000000000002&from=${from}&to=${to}&points=1`);
    assert.equal(series.statusCode, 200, series.body);
    const body = series.json() as { source: string; devices: number; points: Array<{ min: number; max: number; avg: number; sum: number; n: number; devices: number }> };
    assert.equal(body.source, 'hour');
    assert.equal(body.devices, 2);
    assert.deepEqual(body.points.map((p) => [p.min, p.max, p.avg, p.n, p.devices, p.sum]), [[170, 175, 172.5, 6, 1, 172.5]]);
    const counts = (await call(h, s, 'GET', `/api/v1/fleet/okms-per-minute?from=${new Date(clock.nowMs() - 10 * 60_000).toISOString()}`)).json() as { minutes: Array<{ n: number }> };
    assert.equal(counts.minutes.reduce((sum, m) => sum + m.n, 0), 12, 'six minutes of a CWM and an OKE heartbeat each');
    const device = (await call(h, s, 'GET', `/api/v1/devices/${CWM}/telemetry?origin=${OKE}&field=temp&from=${from}&to=${to}&points=24`)).json() as { source: string; points: Array<{ n: number }> };
    assert.equal(device.source, 'hour');
    assert.equal(device.points.reduce((sum, p) => sum + p.n, 0), 6);
    const refusals: Array<[string, RegExp]> = [
      ['/api/v1/series?devices=' + OKE, /"field"/],
      ['/api/v1/series?field=temp', /"devices"/],
      ['/api/v1/series?field=temp&devices=,,', /"devices"/],
      ['/api/v1/series?field=$.x&devices=' + OKE, /"field"/],
      ['/api/v1/series?field=temp&devices=' + encodeURIComponent('bad id'), /"devices"/],
      ['/api/v1/series?field=temp&devices=' + Array.from({ length: 5001 }, (_, i) => `d${i}`).join(','), /at most 5000/],
      [`/api/v1/series?field=temp&devices=${OKE}&from=${to}&to=${from}`, /"from" must be before "to"/],
      [`/api/v1/series?field=temp&devices=${OKE}&points=0`, /points/],
      ['/api/v1/fleet/okms-per-minute?from=2020-01-01T00:00:00Z', /31 days/],
      ['/api/v1/fleet/okms-per-minute?from=yesterday', /from/],
    ];
    for (const [url, reason] of refusals) {
      const refused = await call(h, s, 'GET', url);
      assert.equal(refused.statusCode, 400, url);
      assert.equal(refused.json().error, 'ERR_API_INVALID', url);
      assert.match(String(refused.json().message), reason, url);
    }
  });

  test('raw OKMs export as CSV and NDJSON, exactly as received', async () => {
    const from = new Date(clock.nowMs() - 3_600_000).toISOString();
    const csv = await call(h, s, 'GET', `/api/v1/devices/${CWM}/okms?format=csv&from=${from}`);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body.trim().split('\n');
    assert.equal(lines.length, 13);
    assert.equal(lines[0], 'received_at,cwm_id,origin_id,cmd,okm_id,ts,crc_verdict,auth,okm');
    const ndjson = await call(h, s, 'GET', `/api/v1/devices/${CWM}/okms?format=ndjson&from=${from}`);
    const first = JSON.parse(ndjson.body.split('\n')[0] ?? '{}') as { okm: string; crc: string };
    assert.equal(first.crc, 'valid');
    assert.match(first.okm, /^\{"_src":\["0363aabbccddeeff","0002010203040506"\]/);
  });

  test('messages: bad input queues nothing, a good one is listed, cancelled, and the long poll sees the change', async () => {
    const bad = await call(h, s, 'POST', `/api/v1/devices/${CWM}/messages`, { destination: [], cmd: 'wr', payload: {} });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'ERR_MESSAGE_DST_INVALID');
    const wrongCwm = await call(h, s, 'POST', `/api/v1/devices/${CWM}/messages`, { destination: [OKE, '0002000000000002'], cmd: 'wr', payload: {} });
    assert.equal(wrongCwm.statusCode, 400);
    assert.equal((await h.services.store.listMessages(CWM, clock.nowMs())).length, 0);
    const queued = await call(h, s, 'POST', `/api/v1/devices/${CWM}/messages`, { destination: [OKE, CWM], cmd: 'wr', payload: { cmd: { relay: 1 } }, ttlSeconds: 600 });
    assert.equal(queued.statusCode, 201, queued.body);
    const message = queued.json() as { id: number; state: string; okmId: number };
    assert.equal(message.state, 'queued');
    const waiting = call(h, s, 'GET', `/api/v1/messages/${message.id}?waitForChangeFrom=queued&timeoutS=10`);
    const cancelled = await call(h, s, 'DELETE', `/api/v1/messages/${message.id}`);
    assert.equal(cancelled.json().state, 'cancelled');
    assert.equal((await waiting).json().state, 'cancelled');
    assert.equal((await call(h, s, 'DELETE', `/api/v1/messages/${message.id}`)).json().error, 'ERR_MESSAGE_NOT_CANCELLABLE');
    const listed = (await call(h, s, 'GET', `/api/v1/devices/${CWM}/messages`)).json() as { items: Array<{ id: number }> };
    assert.deepEqual(listed.items.map((m) => m.id), [message.id]);
  });

  test('renaming, a bad time zone, disabling and key rotation behave, and a disabled CWM cannot push', async () => {
    const renamed = await call(h, s, 'PATCH', `/api/v1/devices/0002000000000002`, { name: 'Oven 7' });
    assert.equal(renamed.json().name, 'Oven 7');
    const badZone = await call(h, s, 'PATCH', `/api/v1/devices/0002000000000002`, { timeZone: 'Mars/Olympus', name: 'Never applied' });
    assert.equal(badZone.json().error, 'ERR_TIME_ZONE_INVALID');
    assert.equal((await h.services.store.findDevice('0002000000000002'))?.name, 'Oven 7');
    const rotated = (await call(h, s, 'POST', `/api/v1/devices/${CWM}/rotate-key`, {})).json() as { key: string };
    assert.match(rotated.key, /^[0-9a-f]{32}$/);
    assert.equal((await push(100, OKE, { temp: 1 })).statusCode, 401, 'the old key no longer works');
    assert.equal((await push(101, OKE, { temp: 1 }, rotated.key)).statusCode, 200);
    await call(h, s, 'PATCH', `/api/v1/devices/${CWM}`, { isDisabled: true });
    const refused = await push(102, OKE, { temp: 1 }, rotated.key);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error, 'ERR_DEVICE_DISABLED');
  });

  test('the fleet overview counts devices, lists problems with their totals and has 60 minutes of push counts', async () => {
    type Fleet = { counts: Record<string, number>; pushesPerMinute: Array<{ n: number }>; problems: Array<{ deviceId: string; kind: string; detail: string }>; problemTotals: Record<string, number> };
    const fleet = (await call(h, s, 'GET', '/api/v1/fleet')).json() as Fleet;
    assert.deepEqual(fleet.counts, { total: 2, online: 1, offline: 0, neverSeen: 1 });
    assert.deepEqual(fleet.problems, []);
    assert.deepEqual(fleet.problemTotals, { offline: 0, 'crc-failures': 0, 'queue-backlog': 0, 'messages-expired': 0 });
    assert.equal(fleet.pushesPerMinute.length, 60);
    assert.ok(fleet.pushesPerMinute.reduce((sum, m) => sum + m.n, 0) >= 12);
    clock.advanceMs(10 * 60_000);
    const later = (await call(h, s, 'GET', '/api/v1/fleet')).json() as Fleet;
    clock.advanceMs(-10 * 60_000);
    assert.deepEqual(later.counts, { total: 2, online: 0, offline: 1, neverSeen: 1 });
    assert.deepEqual(later.problems.map((p) => [p.deviceId, p.kind]), [[CWM, 'offline']]);
    assert.match(later.problems[0]?.detail ?? '', /^last seen 20\d\d-/);
    assert.equal(later.problemTotals['offline'], 1);
  });

  test('the traffic route lists the raw device requests, newest last; the OpenAPI document is served', async () => {
    const traffic = (await call(h, s, 'GET', `/api/v1/traffic?device=${CWM}&limit=5`)).json() as { items: Array<{ method: string; url: string; receivedAt: string }> };
    assert.equal(traffic.items.length, 5);
    assert.ok(traffic.items.every((entry) => entry.url.startsWith('/push?')));
    const openapi = (await call(h, s, 'GET', '/api/v1/openapi.json')).json() as { openapi: string; paths: Record<string, unknown> };
    assert.equal(openapi.openapi, '3.1.0');
    assert.ok('/devices/{id}/messages' in openapi.paths);
  });
});
