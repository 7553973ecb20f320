// /time, /provision and unknown paths (PROTOCOL.md A6), and the bounded traffic recorder that keeps
// every device request raw with our answer.

import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeviceAppHarness, createManualClock, TEST_KEY, type DeviceAppHarness } from './device-app-harness.js';
import { pullReqText, signedPath } from './support/device-requests.js';
import { redactUrl } from '../src/protocol/signature-redaction.js';

const CWM = '0002010203040506';
const LOCAL_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

interface TimeBody {
  readonly utc: string;
  readonly epoch: number;
  readonly local: string;
  readonly offset: number;
  readonly tz: string;
}

function parseTimeBody(body: string): TimeBody {
  const value: unknown = JSON.parse(body);
  assert.ok(typeof value === 'object' && value !== null);
  assert.deepEqual(Object.keys(value).sort(), ['epoch', 'local', 'offset', 'tz', 'utc']);
  const { utc, epoch, local, offset, tz } = value as Record<string, unknown>;
  assert.ok(typeof utc === 'string' && typeof epoch === 'number' && typeof local === 'string' && typeof offset === 'number' && typeof tz === 'string');
  return { utc, epoch, local, offset, tz };
}

describe('/time', () => {
  let h: DeviceAppHarness;
  afterEach(async () => h.close());

  test('GET and POST /time answer UTC with Z, epoch seconds, zone-less local time, the offset and the zone', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 24, 12, 30, 15, 900));
    h = await createDeviceAppHarness({ 'time-zone': 'UTC' }, clock);
    for (const method of ['GET', 'POST'] as const) {
      const response = await h.deviceApp.app.inject({ method, url: '/time' });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.deepEqual(parseTimeBody(response.body), {
        utc: '2026-11-24T12:30:15Z',
        epoch: Date.UTC(2026, 10, 24, 12, 30, 15) / 1000,
        local: '2026-11-24T12:30:15',
        offset: 0,
        tz: 'UTC',
      });
    }
  });

  test('with --time-zone Asia/Kolkata the local time is 5h30 ahead and the offset is 330', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 24, 20, 0, 0));
    h = await createDeviceAppHarness({ 'time-zone': 'Asia/Kolkata' }, clock);
    const time = parseTimeBody((await h.deviceApp.app.inject({ method: 'GET', url: '/time' })).body);
    assert.equal(time.utc, '2026-11-24T20:00:00Z');
    assert.ok(time.utc.endsWith('Z'));
    assert.equal(time.local, '2026-11-25T01:30:00');
    assert.match(time.local, LOCAL_TS);
    assert.equal(time.offset, 330);
    assert.equal(time.tz, 'Asia/Kolkata');
    assert.equal(time.epoch, clock.nowMs() / 1000);
  });

  test('a zone with daylight saving gives the offset in force at that instant', async () => {
    const clock = createManualClock(Date.UTC(2026, 6, 1, 12));
    h = await createDeviceAppHarness({ 'time-zone': 'Europe/Paris' }, clock);
    assert.equal(parseTimeBody((await h.deviceApp.app.inject({ method: 'GET', url: '/time' })).body).offset, 120);
    clock.advanceMs(180 * 24 * 3600 * 1000);
    assert.equal(parseTimeBody((await h.deviceApp.app.inject({ method: 'GET', url: '/time' })).body).offset, 60);
  });

  test('a signed /time from a registered device is answered and recorded under that device', async () => {
    h = await createDeviceAppHarness({ 'time-zone': 'UTC' });
    await h.addDevice(CWM);
    const url = signedPath('/time', pullReqText(CWM), TEST_KEY);
    const response = await h.deviceApp.app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 200);
    parseTimeBody(response.body);
    await h.settle();
    const entries = await h.services.store.listTraffic({ deviceId: CWM, limit: 10 });
    assert.deepEqual(entries.map((e) => [e.method, e.url, e.status, e.response]), [['GET', redactUrl(url), 200, response.body]], 'recorded without its signature');
  });

  test('a /time with an unreadable req still gets the time', async () => {
    h = await createDeviceAppHarness({ 'time-zone': 'UTC' });
    const response = await h.deviceApp.app.inject({ method: 'GET', url: '/time?req=not-json' });
    assert.equal(response.statusCode, 200);
    parseTimeBody(response.body);
  });

  test('PUT /time is 405 with Allow: GET, POST', async () => {
    h = await createDeviceAppHarness();
    const response = await h.deviceApp.app.inject({ method: 'PUT', url: '/time' });
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers['allow'], 'GET, POST');
    assert.equal(response.body, '{"push":false,"pull":false,"error":"ERR_METHOD_NOT_ALLOWED"}');
  });
});

describe('/provision', () => {
  let h: DeviceAppHarness;
  afterEach(async () => h.close());

  test('/provision and any path under it answer 200 {"provision":true} and are recorded raw, body included', async () => {
    h = await createDeviceAppHarness();
    const calls = [
      { method: 'POST' as const, url: '/provision', payload: '-----BEGIN CERTIFICATE REQUEST-----\nabc\n-----END CERTIFICATE REQUEST-----' },
      { method: 'GET' as const, url: '/provision/ProvisionAPI?devid=88665a4a92c3&mac=88665a4a92c3&location_id=6270', payload: '' },
      { method: 'POST' as const, url: '/provision/a/b/c', payload: '{"gwmac":"88665a4a92c3"}' },
    ];
    for (const call of calls) {
      const response = await h.deviceApp.app.inject({ method: call.method, url: call.url, payload: call.payload, headers: { 'content-type': 'text/plain' } });
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"provision":true}');
      assert.match(String(response.headers['content-type']), /^application\/json/);
    }
    await h.settle();
    const entries = await h.services.store.listTraffic({ deviceId: null, limit: 10 });
    assert.deepEqual(
      entries.map((e) => [e.method, e.url, e.body, e.status, e.response]),
      calls.map((c) => [c.method, c.url, c.payload, 200, '{"provision":true}']),
    );
  });

  test('a /provision naming a devid in req records it as the claimed device', async () => {
    h = await createDeviceAppHarness();
    await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/provision', pullReqText('NEWCWM01')) });
    await h.settle();
    const entry = (await h.services.store.listTraffic({ deviceId: null, limit: 1 }))[0];
    assert.equal(entry?.claimedDeviceId, 'NEWCWM01');
    assert.equal(entry?.deviceId, null);
  });
});

describe('unknown paths', () => {
  let h: DeviceAppHarness;
  afterEach(async () => h.close());

  test('an unknown path is 404 ERR_ROUTE_NOT_FOUND and recorded with the unknown senders: method, url and body', async () => {
    h = await createDeviceAppHarness();
    const response = await h.deviceApp.app.inject({
      method: 'POST',
      url: '/foo/bar?x=1',
      payload: 'hello=world',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-cwm-firmware': '1.2.3' },
    });
    assert.equal(response.statusCode, 404);
    assert.equal(response.body, '{"push":false,"pull":false,"error":"ERR_ROUTE_NOT_FOUND"}');
    await h.settle();
    const entries = await h.services.store.listTraffic({ deviceId: null, limit: 10 });
    assert.equal(entries.length, 1);
    const entry = entries[0];
    assert.equal(entry?.method, 'POST');
    assert.equal(entry?.url, '/foo/bar?x=1');
    assert.equal(entry?.body, 'hello=world');
    assert.equal(entry?.status, 404);
    assert.equal(entry?.errorCode, 'ERR_ROUTE_NOT_FOUND');
    assert.equal(entry?.headers['x-cwm-firmware'], '1.2.3');
  });

  test('near-misses of device paths (/PUSH, /push/, //pull) are unknown paths, not the device routes', async () => {
    h = await createDeviceAppHarness();
    for (const url of ['/PUSH', '/push/', '//pull', '/pull/x']) {
      const response = await h.deviceApp.app.inject({ method: 'POST', url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.body, '{"push":false,"pull":false,"error":"ERR_ROUTE_NOT_FOUND"}');
    }
  });

  test('a path with a malformed percent escape is answered in our error format and still recorded', async () => {
    h = await createDeviceAppHarness();
    const response = await h.deviceApp.app.inject({ method: 'GET', url: '/foo/%zz?req=1' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.body, '{"push":false,"pull":false,"error":"ERR_REQUEST_ENCODING"}');
    await h.settle();
    const entries = await h.services.store.listTraffic({ deviceId: null, limit: 10 });
    assert.deepEqual(entries.map((e) => [e.method, e.url, e.status, e.errorCode]), [['GET', '/foo/%zz?req=1', 400, 'ERR_REQUEST_ENCODING']]);
  });

  test('credentials in Authorization and Cookie headers are not recorded', async () => {
    h = await createDeviceAppHarness();
    await h.deviceApp.app.inject({ method: 'GET', url: '/foo', headers: { authorization: 'Bearer secret', cookie: 'sid=secret', 'x-other': 'kept' } });
    await h.settle();
    const entry = (await h.services.store.listTraffic({ deviceId: null, limit: 1 }))[0];
    assert.equal(entry?.headers['x-other'], 'kept');
    assert.equal(entry?.headers['authorization'], undefined);
    assert.equal(entry?.headers['cookie'], undefined);
    assert.ok(!JSON.stringify(entry).includes('secret'));
  });
});

describe('traffic recording is bounded', () => {
  let h: DeviceAppHarness;
  afterEach(async () => h.close());

  test('with --traffic-per-device 5, 40 requests of one device leave at most 5 + 16 entries, the newest, newest last', async () => {
    h = await createDeviceAppHarness({ 'traffic-per-device': '5' });
    await h.addDevice(CWM);
    const urls: string[] = [];
    for (let i = 0; i < 40; i++) {
      const url = signedPath('/pull', pullReqText(CWM, true, `2026-11-24T12:00:${String(i).padStart(2, '0')}`), TEST_KEY);
      urls.push(url);
      assert.equal((await h.deviceApp.app.inject({ method: 'GET', url })).statusCode, 200);
      await h.settle();
    }
    const entries = await h.services.store.listTraffic({ deviceId: CWM, limit: 1000 });
    assert.ok(entries.length >= 5 && entries.length <= 5 + 16, `kept ${entries.length}`);
    assert.deepEqual(entries.map((e) => e.url), urls.slice(-entries.length).map((url) => redactUrl(url)));
    const ids = entries.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  });

  test('the unknown-sender bucket is bounded the same way and does not evict a device bucket', async () => {
    h = await createDeviceAppHarness({ 'traffic-per-device': '5' });
    await h.addDevice(CWM);
    await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/pull', pullReqText(CWM), TEST_KEY) });
    for (let i = 0; i < 40; i++) {
      await h.deviceApp.app.inject({ method: 'GET', url: `/junk/${i}` });
      await h.settle();
    }
    const unknown = await h.services.store.listTraffic({ deviceId: null, limit: 1000 });
    assert.ok(unknown.length >= 5 && unknown.length <= 5 + 16, `kept ${unknown.length}`);
    assert.equal(unknown.at(-1)?.url, '/junk/39');
    assert.equal((await h.services.store.listTraffic({ deviceId: CWM, limit: 1000 })).length, 1);
  });
});

describe('load shedding and shutdown', () => {
  let h: DeviceAppHarness;
  afterEach(async () => h.close());

  test('requests beyond --max-inflight are answered 503 ERR_OVERLOADED with Retry-After, and are not recorded', async () => {
    h = await createDeviceAppHarness({ 'max-inflight': '1', 'retry-after': '7' });
    const responses = await Promise.all([1, 2, 3].map(() => h.deviceApp.app.inject({ method: 'GET', url: '/time' })));
    assert.deepEqual(responses.map((r) => r.statusCode).sort(), [200, 503, 503]);
    for (const refused of responses.filter((r) => r.statusCode === 503)) {
      assert.equal(refused.body, '{"push":false,"pull":false,"error":"ERR_OVERLOADED"}');
      assert.equal(refused.headers['retry-after'], '7');
    }
    await h.settle();
    assert.deepEqual((await h.services.store.listTraffic({ limit: 10 })).map((e) => e.status), [200]);
    // Once the burst is over the app serves again: finished requests free their slot.
    assert.equal((await h.deviceApp.app.inject({ method: 'GET', url: '/time' })).statusCode, 200);
    assert.equal(h.deviceApp.inflightCount(), 0);
  });

  test('after beginShutdown every request is 503 ERR_SHUTTING_DOWN with Retry-After and Connection: close, and a push stores nothing', async () => {
    h = await createDeviceAppHarness({ 'retry-after': '3' });
    await h.addDevice(CWM);
    h.deviceApp.beginShutdown();
    const response = await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/pull', pullReqText(CWM), TEST_KEY) });
    assert.equal(response.statusCode, 503);
    assert.equal(response.body, '{"push":false,"pull":false,"error":"ERR_SHUTTING_DOWN"}');
    assert.equal(response.headers['retry-after'], '3');
    assert.equal(response.headers['connection'], 'close');
    assert.equal((await h.services.store.findDevice(CWM))?.lastSeenAtMs, null);
  });
});

describe('/healthz', () => {
  let h: DeviceAppHarness | null = null;
  afterEach(async () => {
    await h?.close().catch(() => undefined);
    h = null;
  });

  test('answers 200 {"status":"ok"} while the store answers, and is never recorded as traffic', async () => {
    const harness = await createDeviceAppHarness();
    h = harness;
    for (let i = 0; i < 3; i++) {
      const response = await harness.deviceApp.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"status":"ok"}');
      assert.equal(response.headers['cache-control'], 'no-store');
    }
    await harness.settle();
    assert.deepEqual(await harness.services.store.listTraffic({ limit: 10 }), []);
  });

  test('answers 503 with Retry-After once the store no longer answers', async () => {
    const harness = await createDeviceAppHarness({ 'retry-after': '4' });
    h = harness;
    await harness.services.store.close();
    const response = await harness.deviceApp.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.body, '{"status":"unavailable","error":"ERR_STORE_UNAVAILABLE","reason":"not answering"}');
    assert.equal(response.headers['retry-after'], '4');
  });
});
