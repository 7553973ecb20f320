import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { buildUpstreamOkm, pushReqText } from '../../test/support/device-requests.js';
import { isOpenTpsError, type ErrorCode } from '../errors.js';
import { sealOkmCrc } from '../protocol/okm-crc.js';
import { signRequest } from '../protocol/request-signature.js';
import { decodeUpstreamOkm, type UpstreamOkm } from '../protocol/upstream-okm.js';
import type { AuthMode } from './auth-mode.js';
import { createMessageQueue } from './message-queue.js';
import { createPushIngest, dedupKeyOf, heartbeatOf, isAnswerCandidate, type PushIngest, type PushParams } from './push-ingest.js';
import { createRequestObservation } from './request-observation.js';

const CWM = '0002010203040506';
const OKE = '036334d0b8df1f05';
const KEY = 'provisioning-key-of-cwm';
const MAX_OKM_BYTES = 16 * 1024;

function signedParams(reqText: string, key: string | Buffer | undefined = KEY): PushParams {
  return {
    encodedReq: encodeURIComponent(reqText),
    signature: key === undefined ? undefined : signRequest(reqText, key),
    remoteAddress: '192.0.2.44',
  };
}

function isCode(code: ErrorCode): (error: unknown) => boolean {
  return (error: unknown) => isOpenTpsError(error, code);
}

function upstream(okmText: string): UpstreamOkm {
  return decodeUpstreamOkm(okmText, JSON.parse(okmText));
}

describe('push ingest', () => {
  let fixture: DomainFixture;

  beforeEach(() => {
    fixture = openDomainFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  function ingest(authMode: AuthMode): PushIngest {
    return createPushIngest({ store: fixture.store, clock: fixture.clock, authMode, maxOkmBytes: MAX_OKM_BYTES });
  }

  async function register(key = KEY): Promise<void> {
    await fixture.store.addDevice({ id: CWM, key, name: null, createdAtMs: fixture.clock.nowMs() });
  }

  describe('in hmac mode', () => {
    test('stores a signed OKM byte for byte and answers push:true', async () => {
      await register();
      const okm = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 41 });
      const observation = createRequestObservation();
      const result = await ingest('hmac').ingestPush(signedParams(pushReqText(okm)), observation);

      assert.equal(result.body, '{"push":true,"pull":false}');
      assert.equal(result.outcome.isDuplicate, false);
      const [stored] = await fixture.store.listOkms({ cwmId: CWM, limit: 10 });
      assert.equal(stored?.rawOkm, okm);
      assert.equal(stored?.originId, OKE);
      assert.equal(stored?.auth, 'hmac');
      assert.equal(stored?.crcVerdict, 'valid');
      assert.equal(stored?.receivedAtMs, fixture.clock.nowMs());
      assert.deepEqual(observation, { deviceId: CWM, claimedDeviceId: CWM, signatureVerdict: 'valid', crcVerdict: 'valid', clientCertSubject: null, clientCertSerial: null, okmOutcome: 'stored' });
      const device = await fixture.store.findDevice(CWM);
      assert.equal(device?.okmCount, 1);
      assert.equal(device?.lastRemoteAddress, '192.0.2.44');
      assert.deepEqual((await fixture.store.listDeviceStates(CWM))[0]?.latestFields, { temp: 180, door: 0 });
    });

    test('answers pull:true when a message waits for the CWM', async () => {
      await register();
      const queue = createMessageQueue({ store: fixture.store, clock: fixture.clock, defaultTtlSeconds: 60, maxQueuedPerCwm: 10, maxOkmBytes: 4096 });
      await queue.queueMessage({ destination: [CWM], cmd: 'rd', payload: { _ping: true } });
      const result = await ingest('hmac').ingestPush(signedParams(pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }))), createRequestObservation());
      assert.equal(result.body, '{"push":true,"pull":true}');
    });

    test('acknowledges a re-sent OKM again but stores it once, and tells the observation which was which', async () => {
      await register();
      const params = signedParams(pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 5 })));
      const firstObservation = createRequestObservation();
      const first = await ingest('hmac').ingestPush(params, firstObservation);
      fixture.clock.advanceMs(30_000);
      const againObservation = createRequestObservation();
      const again = await ingest('hmac').ingestPush(params, againObservation);
      assert.equal(firstObservation.okmOutcome, 'stored');
      assert.equal(againObservation.okmOutcome, 'duplicate');
      assert.equal(again.body, '{"push":true,"pull":false}');
      assert.equal(again.outcome.isDuplicate, true);
      assert.equal(again.outcome.storedOkmId, first.outcome.storedOkmId);
      assert.equal(await fixture.store.countOkms(CWM), 1);
    });

    test('stores and flags an OKM whose CRC is wrong', async () => {
      await register();
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 6 }).replace(/"_crc":"[0-9A-F]{4}"/, '"_crc":"0BAD"');
      const observation = createRequestObservation();
      await ingest('hmac').ingestPush(signedParams(pushReqText(okm)), observation);
      assert.equal(observation.crcVerdict, 'mismatch');
      const [stored] = await fixture.store.listOkms({ cwmId: CWM, limit: 1 });
      assert.equal(stored?.rawOkm, okm);
      assert.equal(stored?.crcVerdict, 'mismatch');
      assert.equal((await fixture.store.findDevice(CWM))?.crcFailureCount, 1);
    });

    test('accepts a signature made with the hex-decoded bytes of a hex key', async () => {
      const hexKey = '00112233445566778899aabbccddeeff';
      await register(hexKey);
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 2 }));
      const result = await ingest('hmac').ingestPush(signedParams(reqText, Buffer.from(hexKey, 'hex')), createRequestObservation());
      assert.equal(result.outcome.isDuplicate, false);
      assert.equal(await fixture.store.countOkms(CWM), 1);
    });

    test('authenticates a req whose literal "+" the device did not percent-encode', async () => {
      await register();
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 3, ts: '2026-11-24T13:00:00+01:00' });
      const reqText = pushReqText(okm, '2026-11-24T13:00:01+01:00');
      const params = { ...signedParams(reqText), encodedReq: encodeURIComponent(reqText).replace(/%2B/g, '+') };
      assert.ok(params.encodedReq.includes('+'));
      const observation = createRequestObservation();
      await ingest('hmac').ingestPush(params, observation);
      assert.equal(observation.signatureVerdict, 'valid');
      const [stored] = await fixture.store.listOkms({ cwmId: CWM, limit: 1 });
      assert.equal(stored?.rawOkm, okm, 'the "+" reading the device signed is the one stored');
      assert.equal(stored?.ts, '2026-11-24T13:00:00+01:00');
      assert.equal(stored?.crcVerdict, 'valid');
    });

    test('authenticates a device whose id holds a "+" sent without percent-encoding', async () => {
      const plusId = '0003AB+CD';
      await fixture.store.addDevice({ id: plusId, key: KEY, name: null, createdAtMs: fixture.clock.nowMs() });
      const okm = buildUpstreamOkm({ cwmId: plusId, id: 8 });
      const reqText = pushReqText(okm);
      const params = { ...signedParams(reqText), encodedReq: encodeURIComponent(reqText).replace(/%2B/g, '+') };
      const observation = createRequestObservation();
      await ingest('hmac').ingestPush(params, observation);
      assert.equal(observation.deviceId, plusId);
      const [stored] = await fixture.store.listOkms({ cwmId: plusId, limit: 1 });
      assert.equal(stored?.rawOkm, okm);
    });

    test('authenticates a req whose spaces the device form-encoded as "+"', async () => {
      await register();
      const okm = buildUpstreamOkm({ cwmId: CWM, id: 4, payload: { note: 'door open' } });
      const reqText = pushReqText(okm);
      const params = { ...signedParams(reqText), encodedReq: encodeURIComponent(reqText).replace(/%20/g, '+') };
      await ingest('hmac').ingestPush(params, createRequestObservation());
      const [stored] = await fixture.store.listOkms({ cwmId: CWM, limit: 1 });
      assert.equal(stored?.rawOkm, okm);
      assert.deepEqual(stored?.payload, { note: 'door open' });
    });

    test('refuses an unregistered device with ERR_DEVICE_UNKNOWN and records nothing', async () => {
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      const observation = createRequestObservation();
      await assert.rejects(ingest('hmac').ingestPush(signedParams(reqText), observation), isCode('ERR_DEVICE_UNKNOWN'));
      assert.equal(observation.claimedDeviceId, CWM);
      assert.equal(observation.deviceId, null);
      assert.equal(await fixture.store.findDevice(CWM), null);
      assert.equal(await fixture.store.countOkms(CWM), 0);
    });

    test('refuses a device only discovered in open mode (it has no key) with ERR_DEVICE_UNKNOWN', async () => {
      await fixture.store.addDiscoveredDevice(CWM, fixture.clock.nowMs());
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      await assert.rejects(ingest('hmac').ingestPush(signedParams(reqText), createRequestObservation()), isCode('ERR_DEVICE_UNKNOWN'));
      assert.equal(await fixture.store.countOkms(CWM), 0);
    });

    const signatureCases: Array<{ name: string; signature: (reqText: string) => string | undefined; code: ErrorCode; verdict: string }> = [
      { name: 'a missing signature', signature: () => undefined, code: 'ERR_SIGNATURE_MISSING', verdict: 'missing' },
      { name: 'an empty signature', signature: () => '', code: 'ERR_SIGNATURE_MISSING', verdict: 'missing' },
      { name: 'a signature that is not 64 hex digits', signature: () => 'abc123', code: 'ERR_SIGNATURE_MALFORMED', verdict: 'malformed' },
      { name: 'a signature made with another key', signature: (text) => signRequest(text, 'some-other-key'), code: 'ERR_SIGNATURE_INVALID', verdict: 'invalid' },
      { name: 'a signature over other text', signature: (text) => signRequest(`${text} `, KEY), code: 'ERR_SIGNATURE_INVALID', verdict: 'invalid' },
    ];
    for (const { name, signature, code, verdict } of signatureCases) {
      test(`refuses ${name} with ${code} and stores nothing`, async () => {
        await register();
        const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
        const observation = createRequestObservation();
        const params = { ...signedParams(reqText), signature: signature(reqText) };
        await assert.rejects(ingest('hmac').ingestPush(params, observation), isCode(code));
        assert.equal(observation.signatureVerdict, verdict);
        assert.equal(await fixture.store.countOkms(CWM), 0);
      });
    }

    test('refuses a push without req with ERR_REQUEST_MISSING_REQ', async () => {
      await assert.rejects(
        ingest('hmac').ingestPush({ encodedReq: undefined, signature: 'ab'.repeat(32), remoteAddress: null }, createRequestObservation()),
        isCode('ERR_REQUEST_MISSING_REQ'),
      );
    });

    test('refuses a req that is not JSON with ERR_REQUEST_NOT_JSON', async () => {
      await register();
      await assert.rejects(ingest('hmac').ingestPush(signedParams('{"okm":'), createRequestObservation()), isCode('ERR_REQUEST_NOT_JSON'));
    });

    test('a non-heartbeat OKM with the _id of a delivered message answers it', async () => {
      await register();
      const queue = createMessageQueue({ store: fixture.store, clock: fixture.clock, defaultTtlSeconds: 60, maxQueuedPerCwm: 10, maxOkmBytes: 4096 });
      const message = await queue.queueMessage({ destination: [OKE, CWM], cmd: 'rd', payload: { get: 'temp' } });
      await fixture.store.leaseNextMessage(CWM, fixture.clock.nowMs(), fixture.clock.nowMs() + 30_000);
      await fixture.store.confirmDelivery(message.id, fixture.clock.nowMs());

      const heartbeat = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: message.okmId });
      const afterHeartbeat = await ingest('hmac').ingestPush(signedParams(pushReqText(heartbeat)), createRequestObservation());
      assert.equal(afterHeartbeat.outcome.answeredMessageId, null, 'a heartbeat with the same _id is chance, not an answer');

      const answer = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: message.okmId, ts: '2026-11-24T12:00:05', payload: { temp: 182 } });
      const result = await ingest('hmac').ingestPush(signedParams(pushReqText(answer)), createRequestObservation());
      assert.equal(result.outcome.answeredMessageId, message.id);
      const answered = await fixture.store.findMessage(message.id);
      assert.equal(answered?.state, 'answered');
      assert.deepEqual(answered?.result, { temp: 182 });
    });
  });

  describe('in open mode', () => {
    test('lets an unknown device in as unknown-device and records it as discovered', async () => {
      const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 1 }));
      const observation = createRequestObservation();
      const result = await ingest('open').ingestPush(signedParams(reqText, undefined), observation);
      assert.equal(result.body, '{"push":true,"pull":false}');
      const [stored] = await fixture.store.listOkms({ cwmId: CWM, limit: 1 });
      assert.equal(stored?.auth, 'unknown-device');
      const discovered = await fixture.store.findDevice(CWM);
      assert.equal(discovered?.key, null);
      assert.equal(discovered?.okmCount, 1);
      assert.equal(observation.deviceId, CWM);
    });

    const verdictCases: Array<{ name: string; signature: (reqText: string) => string | undefined; verdict: string }> = [
      { name: 'an unsigned push as unsigned', signature: () => undefined, verdict: 'unsigned' },
      { name: 'a wrongly signed push as bad-signature', signature: (text) => signRequest(text, 'not-the-key'), verdict: 'bad-signature' },
      { name: 'a malformed signature as bad-signature', signature: () => 'nothex', verdict: 'bad-signature' },
      { name: 'a correctly signed push as hmac', signature: (text) => signRequest(text, KEY), verdict: 'hmac' },
    ];
    for (const { name, signature, verdict } of verdictCases) {
      test(`lets a registered device's ${name}`, async () => {
        await register();
        const reqText = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
        await ingest('open').ingestPush({ ...signedParams(reqText), signature: signature(reqText) }, createRequestObservation());
        const [stored] = await fixture.store.listOkms({ cwmId: CWM, limit: 1 });
        assert.equal(stored?.auth, verdict);
        assert.equal((await fixture.store.findDevice(CWM))?.key, KEY, 'open mode never changes a registered key');
      });
    }
  });
});

describe('dedupKeyOf', () => {
  test('is the same for a re-sent OKM and differs when _id, _ts or _crc differ', () => {
    const okm = buildUpstreamOkm({ cwmId: CWM, id: 9 });
    assert.equal(dedupKeyOf(upstream(okm)), dedupKeyOf(upstream(okm)));
    const keys = new Set([
      dedupKeyOf(upstream(okm)),
      dedupKeyOf(upstream(buildUpstreamOkm({ cwmId: CWM, id: 10 }))),
      dedupKeyOf(upstream(buildUpstreamOkm({ cwmId: CWM, id: 9, ts: '2026-11-24T12:00:01' }))),
      dedupKeyOf(upstream(okm.replace(/"_crc":"[0-9A-F]{4}"/, '"_crc":"0BAD"'))),
    ]);
    assert.equal(keys.size, 4);
  });

  test('tells apart two different OKMs with the same _id, _ts and a missing or wrong CRC, but not a byte-identical re-send', () => {
    const withoutCrc = (door: number): string => `{"_src":["${CWM}"],"_cmd":"wr","_id":5,"_ts":"2026-11-24T12:00:00","_pld":{"_hbt":{"door":${door}}}}`;
    assert.notEqual(dedupKeyOf(upstream(withoutCrc(1))), dedupKeyOf(upstream(withoutCrc(2))));
    assert.equal(dedupKeyOf(upstream(withoutCrc(1))), dedupKeyOf(upstream(withoutCrc(1))));
    const wrongCrc = (door: number): string => `{"_src":["${CWM}"],"_cmd":"wr","_id":5,"_ts":"2026-11-24T12:00:00","_crc":"0BAD","_pld":{"_hbt":{"door":${door}}}}`;
    assert.notEqual(dedupKeyOf(upstream(wrongCrc(1))), dedupKeyOf(upstream(wrongCrc(2))));
  });

  test('is null for an OKM without _id, which cannot be recognised when re-sent', () => {
    const okm = sealOkmCrc(`{"_src":["${CWM}"],"_cmd":"wr","_ts":"2026-11-24T12:00:00","_crc":"0000","_pld":{}}`);
    assert.equal(dedupKeyOf(upstream(okm)), null);
  });
});

describe('heartbeatOf', () => {
  test('returns the _hbt object of a heartbeat', () => {
    assert.deepEqual(heartbeatOf(upstream(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { _hbt: { door: 56 } } }))), { door: 56 });
  });

  test('returns null when _hbt is missing or not an object', () => {
    assert.equal(heartbeatOf(upstream(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { temp: 1 } }))), null);
    assert.equal(heartbeatOf(upstream(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { _hbt: 56 } }))), null);
    assert.equal(heartbeatOf(upstream(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { _hbt: [1, 2] } }))), null);
  });
});

describe('isAnswerCandidate', () => {
  test('is true for an OKM with _id that carries more than a heartbeat', () => {
    assert.equal(isAnswerCandidate(upstream(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { temp: 1 } }))), true);
    assert.equal(isAnswerCandidate(upstream(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { _hbt: {}, result: 'ok' } }))), true);
  });

  test('is false for a plain heartbeat and for an OKM without _id', () => {
    assert.equal(isAnswerCandidate(upstream(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { _hbt: { door: 1 } } }))), false);
    const withoutId = sealOkmCrc(`{"_src":["${CWM}"],"_cmd":"wr","_crc":"0000","_pld":{"temp":1}}`);
    assert.equal(isAnswerCandidate(upstream(withoutId)), false);
  });
});
