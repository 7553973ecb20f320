// GET /pull through the whole device app (PROTOCOL.md A4): which queued message is delivered, the
// exact answer bytes, the message states that follow, and the refusals that must deliver nothing.

import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { MessageRecord } from '../src/domain/message-store.js';
import { verifyOkmCrc } from '../src/protocol/okm-crc.js';
import { createDeviceAppHarness, createManualClock, TEST_KEY, type DeviceAppHarness, type ManualClock } from './device-app-harness.js';
import { buildUpstreamOkm, pullReqText, nextPullTs, pushReqText, signedPath } from './support/device-requests.js';

const CWM = '0002010203040506';
const OKE = '1122334455667788';

function errorBody(code: string): string {
  return `{"push":false,"pull":false,"error":"${code}"}`;
}

/** The OKM text inside a pull answer, cut out byte for byte (never re-serialised). */
function okmTextOf(body: string): string {
  const match = /^\{"okm":(.*),"pull":(?:true|false)\}$/.exec(body);
  assert.ok(match?.[1], `a pull answer carrying an OKM: ${body}`);
  return match[1];
}

describe('GET /pull', () => {
  let h: DeviceAppHarness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = createManualClock();
    h = await createDeviceAppHarness({}, clock);
    await h.addDevice(CWM);
  });
  afterEach(async () => h.close());

  /** A pull signed with `key` (null: unsigned). */
  const pull = async (reqText: string = pullReqText(CWM), key: string | null = TEST_KEY): Promise<LightMyRequestResponse> => {
    const response = await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/pull', reqText, key ?? undefined) });
    await h.settle();
    return response;
  };
  const queue = (payload: Record<string, unknown>, destination: string[] = [CWM], ttlSeconds?: number): Promise<MessageRecord> =>
    h.services.queue.queueMessage({ destination, cmd: 'wr', payload, ttlSeconds });
  const messageState = async (id: number): Promise<MessageRecord | null> => h.services.store.findMessage(id);

  describe('answers without a message', () => {
    test('a bare GET /pull (the browser smoke test) is answered exactly {"pull":false} and touches no device', async () => {
      const queued = await queue({ _ping: true });
      const response = await h.deviceApp.app.inject({ method: 'GET', url: '/pull' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"pull":false}');
      assert.match(String(response.headers['content-type']), /^application\/json/);
      await h.settle();
      assert.equal((await messageState(queued.id))?.state, 'queued');
      assert.equal((await messageState(queued.id))?.deliveryCount, 0);
      assert.equal((await h.services.store.findDevice(CWM))?.lastSeenAtMs, null);
      const traffic = await h.services.store.listTraffic({ deviceId: null, limit: 10 });
      assert.deepEqual(traffic.map((e) => [e.url, e.status, e.response]), [['/pull', 200, '{"pull":false}']]);
    });

    test('a signed pull with nothing queued is answered {"pull":false} and marks the CWM as seen', async () => {
      const response = await pull();
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"pull":false}');
      assert.equal((await h.services.store.findDevice(CWM))?.lastSeenAtMs, clock.nowMs());
      const entry = (await h.services.store.listTraffic({ deviceId: CWM, limit: 1 }))[0];
      assert.equal(entry?.signatureVerdict, 'valid');
    });

    test('a message queued for another CWM is not delivered to this one', async () => {
      await h.addDevice('OTHERCWM');
      const other = await queue({ x: 1 }, ['OTHERCWM']);
      assert.equal((await pull()).body, '{"pull":false}');
      assert.equal((await messageState(other.id))?.state, 'queued');
    });

    test('a message whose TTL has passed is not delivered and shows as expired', async () => {
      const stale = await queue({ x: 1 }, [CWM], 60);
      clock.advanceMs(61_000);
      assert.equal((await pull()).body, '{"pull":false}');
      assert.equal((await messageState(stale.id))?.state, 'expired');
    });
  });

  describe('delivering queued messages', () => {
    test('two queued messages come oldest first, pull:true while one remains, then {"pull":false}', async () => {
      const first = await queue({ cmd: { relay: 1 } }, [OKE, CWM]);
      const second = await queue({ _ping: true });

      const one = await pull();
      assert.equal(one.statusCode, 200);
      assert.equal(one.body, `{"okm":${first.okmText},"pull":true}`);
      assert.equal((await messageState(first.id))?.state, 'delivered');
      assert.equal((await messageState(second.id))?.state, 'queued');

      const two = await pull();
      assert.equal(two.body, `{"okm":${second.okmText},"pull":false}`);
      assert.equal((await messageState(second.id))?.state, 'delivered');

      const three = await pull();
      assert.equal(three.body, '{"pull":false}');
      assert.deepEqual((await h.services.queue.listMessages(CWM)).map((m) => [m.id, m.state, m.deliveryCount]), [
        [first.id, 'delivered', 1],
        [second.id, 'delivered', 1],
      ]);
    });

    test('concurrent pulls never hand out the same message twice', async () => {
      const first = await queue({ n: 1 });
      const second = await queue({ n: 2 });
      // Three different pulls within one second of the CWM's clock (a replayed one would be refused).
      const ts = nextPullTs();
      const urls = [1, 2, 3].map((n) => signedPath('/pull', JSON.stringify({ devid: CWM, ts, lokm: true, n }), TEST_KEY));
      const responses = await Promise.all(urls.map((url) => h.deviceApp.app.inject({ method: 'GET', url })));
      await h.settle();
      const bodies = responses.map((r) => r.body);
      assert.equal(bodies.filter((body) => body === '{"pull":false}').length, 1);
      const delivered = bodies.filter((body) => body !== '{"pull":false}').map(okmTextOf).sort();
      assert.deepEqual(delivered, [first.okmText, second.okmText].sort());
      assert.deepEqual((await h.services.queue.listMessages(CWM)).map((m) => [m.state, m.deliveryCount]), [
        ['delivered', 1],
        ['delivered', 1],
      ]);
    });

    test('the delivered OKM carries a valid CRC over its exact text and the _dst, _cmd, _id and _pld that were queued', async () => {
      const queued = await h.services.queue.queueMessage({ destination: [OKE, CWM], cmd: 'rd', payload: { oke: { port: '232', baud: 115200 } } });
      const text = okmTextOf((await pull()).body);
      assert.equal(verifyOkmCrc(text).verdict, 'valid');
      assert.match(text, /^\{"_dst":.*,"_cmd":.*,"_id":.*,"_ts":.*,"_crc":"[0-9A-F]{4}","_pld":.*\}$/);
      const okm: unknown = JSON.parse(text);
      assert.deepEqual(okm, {
        _dst: [OKE, CWM],
        _cmd: 'rd',
        _id: queued.okmId,
        _ts: new Date(clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        _crc: verifyOkmCrc(text).expected,
        _pld: { oke: { port: '232', baud: 115200 } },
      });
    });

    test('a payload with non-ASCII text is delivered with a CRC valid over its UTF-8 bytes', async () => {
      const queued = await queue({ label: 'café ☕ 25°C' });
      const text = okmTextOf((await pull()).body);
      assert.equal(text, queued.okmText);
      assert.ok(text.includes('café ☕ 25°C'));
      assert.equal(verifyOkmCrc(text).verdict, 'valid');
    });

    test('a pull sent as a POST with a form body delivers like a GET', async () => {
      const queued = await queue({ _ping: true });
      const reqText = pullReqText(CWM);
      const url = signedPath('/pull', reqText, TEST_KEY);
      const response = await h.deviceApp.app.inject({
        method: 'POST',
        url: '/pull',
        payload: url.slice(url.indexOf('?') + 1),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await h.settle();
      assert.equal(response.body, `{"okm":${queued.okmText},"pull":false}`);
      assert.equal((await messageState(queued.id))?.state, 'delivered');
    });

    test('an OKM pushed back by the addressed device with the same _id answers the message and stores its payload as the result', async () => {
      const queued = await queue({ cmd: { relay: 1 } }, [OKE, CWM]);
      await pull();
      const answer = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: queued.okmId, payload: { relay: 1, ok: true } });
      const pushed = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(answer), TEST_KEY) });
      assert.equal(pushed.statusCode, 200);
      assert.equal(pushed.body, '{"push":true,"pull":false}');
      const after = await messageState(queued.id);
      assert.equal(after?.state, 'answered');
      assert.deepEqual(after?.result, { relay: 1, ok: true });
      assert.equal(after?.answeredAtMs, clock.nowMs());
    });

    test('an OKM with the same _id from another device than the one addressed does not answer the message', async () => {
      const queued = await queue({ cmd: { relay: 1 } }, [OKE, CWM]);
      await pull();
      const fromCwm = buildUpstreamOkm({ cwmId: CWM, id: queued.okmId, payload: { relay: 1 } });
      assert.equal((await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(fromCwm), TEST_KEY) })).statusCode, 200);
      assert.equal((await messageState(queued.id))?.state, 'delivered');
    });

    test('a heartbeat that happens to carry the message _id does not answer it', async () => {
      const queued = await queue({ cmd: { relay: 1 } }, [OKE, CWM]);
      await pull();
      const heartbeat = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: queued.okmId, payload: { _hbt: { door: 1 } } });
      await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(heartbeat), TEST_KEY) });
      assert.equal((await messageState(queued.id))?.state, 'delivered');
    });

    test('an OKM with the _id of a message not yet delivered does not answer it', async () => {
      const queued = await queue({ cmd: { relay: 1 } }, [OKE, CWM]);
      const early = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: queued.okmId, payload: { relay: 1 } });
      const pushed = await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(early), TEST_KEY) });
      assert.equal(pushed.body, '{"push":true,"pull":true}');
      assert.equal((await messageState(queued.id))?.state, 'queued');
    });

    test('lokm:false right after a delivery gives the same message again, byte for byte', async () => {
      const queued = await queue({ _ping: true });
      const first = await pull();
      const again = await pull(pullReqText(CWM, false));
      assert.equal(again.body, first.body);
      assert.equal(again.body, `{"okm":${queued.okmText},"pull":false}`);
      const after = await messageState(queued.id);
      assert.equal(after?.state, 'delivered');
      assert.equal(after?.deliveryCount, 2);
    });

    test('lokm:true after a delivery does not give the message again', async () => {
      await queue({ _ping: true });
      await pull();
      assert.equal((await pull(pullReqText(CWM, true))).body, '{"pull":false}');
    });

    test('lokm:false after the message was answered does not give it again', async () => {
      const queued = await queue({ cmd: { relay: 1 } }, [OKE, CWM]);
      await pull();
      const answer = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: queued.okmId, payload: { relay: 1 } });
      await h.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(answer), TEST_KEY) });
      assert.equal((await pull(pullReqText(CWM, false))).body, '{"pull":false}');
      assert.equal((await messageState(queued.id))?.state, 'answered');
    });

    test('lokm:false after two deliveries gives back only the last one delivered', async () => {
      const first = await queue({ n: 1 });
      const second = await queue({ n: 2 });
      await pull();
      await pull();
      // The CWM says the last OKM (the second) did not arrive: only that one comes back.
      const again = await pull(pullReqText(CWM, false));
      assert.equal(again.body, `{"okm":${second.okmText},"pull":false}`);
      assert.equal((await messageState(first.id))?.deliveryCount, 1);
    });
  });

  describe('refused pulls deliver nothing', () => {
    const assertRefusedPull = async (response: LightMyRequestResponse, status: number, code: string, queued: MessageRecord): Promise<void> => {
      assert.equal(response.statusCode, status);
      assert.equal(response.body, errorBody(code));
      const after = await messageState(queued.id);
      assert.equal(after?.state, 'queued');
      assert.equal(after?.deliveryCount, 0);
      const entry = (await h.services.store.listTraffic({ limit: 1 }))[0];
      assert.equal(entry?.errorCode, code);
    };

    test('a pull for an unregistered CWM is 401 ERR_DEVICE_UNKNOWN, recorded with the unknown senders', async () => {
      const queued = await queue({ _ping: true });
      await assertRefusedPull(await pull(pullReqText('GHOSTCWM')), 401, 'ERR_DEVICE_UNKNOWN', queued);
      const entry = (await h.services.store.listTraffic({ deviceId: null, limit: 1 }))[0];
      assert.equal(entry?.claimedDeviceId, 'GHOSTCWM');
      assert.equal(await h.services.store.findDevice('GHOSTCWM'), null);
    });

    test('a pull signed with the wrong key is 401 ERR_SIGNATURE_INVALID', async () => {
      await assertRefusedPull(await pull(pullReqText(CWM), 'not-the-right-key'), 401, 'ERR_SIGNATURE_INVALID', await queue({ _ping: true }));
    });

    test('an unsigned pull in hmac mode is 401 ERR_SIGNATURE_MISSING', async () => {
      await assertRefusedPull(await pull(pullReqText(CWM), null), 401, 'ERR_SIGNATURE_MISSING', await queue({ _ping: true }));
    });

    test('a pull signed for another CWM cannot take this CWM messages', async () => {
      await h.addDevice('THIEF', 'thief-key-00000');
      await assertRefusedPull(await pull(pullReqText(CWM), 'thief-key-00000'), 401, 'ERR_SIGNATURE_INVALID', await queue({ _ping: true }));
    });

    test('a pull whose req has no devid is 400 ERR_PULL_MISSING_DEVID', async () => {
      const queued = await queue({ _ping: true });
      for (const reqText of ['{"ts":"2026-11-24T12:00:01","lokm":true}', '{"devid":42}', '{"devid":""}']) {
        await assertRefusedPull(await pull(reqText), 400, 'ERR_PULL_MISSING_DEVID', queued);
      }
    });

    test('a pull with a signature but no req is 400 ERR_REQUEST_MISSING_REQ', async () => {
      const queued = await queue({ _ping: true });
      const response = await h.deviceApp.app.inject({ method: 'GET', url: `/pull?sha256hmac=${'0'.repeat(64)}` });
      await h.settle();
      await assertRefusedPull(response, 400, 'ERR_REQUEST_MISSING_REQ', queued);
    });

    test('a pull whose req is not JSON is 400 ERR_REQUEST_NOT_JSON', async () => {
      await assertRefusedPull(await pull('devid=x'), 400, 'ERR_REQUEST_NOT_JSON', await queue({ _ping: true }));
    });

    test('DELETE /pull is 405 ERR_METHOD_NOT_ALLOWED with Allow: GET, POST', async () => {
      const queued = await queue({ _ping: true });
      const response = await h.deviceApp.app.inject({ method: 'DELETE', url: signedPath('/pull', pullReqText(CWM), TEST_KEY) });
      await h.settle();
      assert.equal(response.headers['allow'], 'GET, POST');
      await assertRefusedPull(response, 405, 'ERR_METHOD_NOT_ALLOWED', queued);
    });
  });
});

describe('GET /pull in open mode', () => {
  test('a pull from an unknown CWM is answered {"pull":false} and the CWM is added as discovered', async () => {
    const h = await createDeviceAppHarness({ auth: 'open' });
    try {
      const response = await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/pull', pullReqText('NEWCWM')) });
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, '{"pull":false}');
      await h.settle();
      const device = await h.services.store.findDevice('NEWCWM');
      assert.equal(device?.key, null);
      assert.notEqual(device?.lastSeenAtMs, null);
    } finally {
      await h.close();
    }
  });
});
