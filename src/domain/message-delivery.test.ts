import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { buildUpstreamOkm, pullReqText, pushReqText } from '../../test/support/device-requests.js';
import { isOpenTpsError, type ErrorCode } from '../errors.js';
import { signRequest } from '../protocol/request-signature.js';
import type { AuthMode } from './auth-mode.js';
import { createMessageDelivery, type MessageDelivery, type PullParams } from './message-delivery.js';
import { createMessageQueue, type MessageQueue } from './message-queue.js';
import type { MessageRecord } from './message-store.js';
import { createPushIngest } from './push-ingest.js';
import { createRequestObservation } from './request-observation.js';

const CWM = '0002010203040506';
const KEY = 'provisioning-key-of-cwm';
const LEASE_MS = 30_000;

function pullParams(lokm = true, key: string | undefined = KEY, deviceId = CWM): PullParams {
  const reqText = pullReqText(deviceId, lokm);
  return {
    encodedReq: encodeURIComponent(reqText),
    signature: key === undefined ? undefined : signRequest(reqText, key),
    remoteAddress: '198.51.100.20',
  };
}

function isCode(code: ErrorCode): (error: unknown) => boolean {
  return (error: unknown) => isOpenTpsError(error, code);
}

describe('message delivery', () => {
  let fixture: DomainFixture;
  let queue: MessageQueue;

  beforeEach(async () => {
    fixture = openDomainFixture();
    queue = createMessageQueue({ store: fixture.store, clock: fixture.clock, defaultTtlSeconds: 600, maxQueuedPerCwm: 10, maxOkmBytes: 4096 });
    await fixture.store.addDevice({ id: CWM, key: KEY, name: null, createdAtMs: fixture.clock.nowMs() });
  });

  afterEach(async () => {
    await fixture.close();
  });

  function delivery(authMode: AuthMode = 'hmac'): MessageDelivery {
    return createMessageDelivery({ store: fixture.store, clock: fixture.clock, authMode, deliveryLeaseMs: LEASE_MS, defaultTimeZone: 'UTC' });
  }

  function queuePing(): Promise<MessageRecord> {
    return queue.queueMessage({ destination: [CWM], cmd: 'rd', payload: { _ping: true } });
  }

  async function stateOf(messageId: number): Promise<string | undefined> {
    return (await fixture.store.findMessage(messageId))?.state;
  }

  test('answers a bare pull (the vendor smoke test) with {"pull":false} and touches nothing', async () => {
    await queuePing();
    const result = await delivery().servePull({ encodedReq: undefined, signature: undefined, remoteAddress: null }, createRequestObservation());
    assert.deepEqual(result, { body: '{"pull":false}', leasedMessageId: null });
    assert.equal((await fixture.store.findDevice(CWM))?.lastSeenAtMs, null);
  });

  test('refuses a signed pull without req with ERR_REQUEST_MISSING_REQ', async () => {
    await assert.rejects(
      delivery().servePull({ encodedReq: undefined, signature: 'ab'.repeat(32), remoteAddress: null }, createRequestObservation()),
      isCode('ERR_REQUEST_MISSING_REQ'),
    );
  });

  test('answers {"pull":false} when nothing is queued and marks the CWM seen', async () => {
    const result = await delivery().servePull(pullParams(), createRequestObservation());
    assert.deepEqual(result, { body: '{"pull":false}', leasedMessageId: null });
    const device = await fixture.store.findDevice(CWM);
    assert.equal(device?.lastSeenAtMs, fixture.clock.nowMs());
    assert.equal(device?.lastRemoteAddress, '198.51.100.20');
  });

  test('answers with the oldest queued OKM text verbatim and says whether more remain', async () => {
    const first = await queuePing();
    const second = await queue.queueMessage({ destination: [CWM], cmd: 'wr', payload: { cmd: { relay: 1 } } });
    const pulls = delivery();

    const one = await pulls.servePull(pullParams(), createRequestObservation());
    assert.deepEqual(one, { body: `{"okm":${first.okmText},"pull":true}`, leasedMessageId: first.id });
    await pulls.confirmDelivery(first.id);

    const two = await pulls.servePull(pullParams(), createRequestObservation());
    assert.deepEqual(two, { body: `{"okm":${second.okmText},"pull":false}`, leasedMessageId: second.id });
  });

  test('confirmDelivery marks the message delivered at the current time', async () => {
    const message = await queuePing();
    const pulls = delivery();
    const result = await pulls.servePull(pullParams(), createRequestObservation());
    fixture.clock.advanceMs(15);
    await pulls.confirmDelivery(result.leasedMessageId ?? -1);
    const delivered = await fixture.store.findMessage(message.id);
    assert.equal(delivered?.state, 'delivered');
    assert.equal(delivered?.deliveredAtMs, fixture.clock.nowMs());
    assert.deepEqual(await pulls.servePull(pullParams(), createRequestObservation()), { body: '{"pull":false}', leasedMessageId: null });
  });

  test('releaseDelivery hands the same message to the next pull at once', async () => {
    const message = await queuePing();
    const pulls = delivery();
    await pulls.servePull(pullParams(), createRequestObservation());
    await pulls.releaseDelivery(message.id);
    const again = await pulls.servePull(pullParams(), createRequestObservation());
    assert.equal(again.leasedMessageId, message.id);
    assert.equal(again.body, `{"okm":${message.okmText},"pull":false}`);
  });

  test('keeps a message whose response is still being written from other pulls until its lease passes', async () => {
    const message = await queuePing();
    const pulls = delivery();
    await pulls.servePull(pullParams(), createRequestObservation());
    fixture.clock.advanceMs(LEASE_MS - 1);
    assert.equal((await pulls.servePull(pullParams(), createRequestObservation())).leasedMessageId, null);
    fixture.clock.advanceMs(1);
    assert.equal((await pulls.servePull(pullParams(), createRequestObservation())).leasedMessageId, message.id);
  });

  test('lokm:false right after a delivery delivers the same OKM again', async () => {
    const message = await queuePing();
    const pulls = delivery();
    await pulls.servePull(pullParams(), createRequestObservation());
    await pulls.confirmDelivery(message.id);

    const again = await pulls.servePull(pullParams(false), createRequestObservation());
    assert.deepEqual(again, { body: `{"okm":${message.okmText},"pull":false}`, leasedMessageId: message.id });
    assert.equal((await fixture.store.findMessage(message.id))?.deliveryCount, 2);
  });

  test('lokm:true after a delivery leaves the delivered message alone', async () => {
    const message = await queuePing();
    const pulls = delivery();
    await pulls.servePull(pullParams(), createRequestObservation());
    await pulls.confirmDelivery(message.id);
    assert.deepEqual(await pulls.servePull(pullParams(true), createRequestObservation()), { body: '{"pull":false}', leasedMessageId: null });
    assert.equal(await stateOf(message.id), 'delivered');
  });

  test('lokm:false does not deliver a message that has already been answered', async () => {
    const message = await queuePing();
    const pulls = delivery();
    await pulls.servePull(pullParams(), createRequestObservation());
    await pulls.confirmDelivery(message.id);
    const answer = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: message.okmId, payload: { _ping: 'pong' } }));
    await createPushIngest({ store: fixture.store, clock: fixture.clock, authMode: 'hmac', maxOkmBytes: 4096 }).ingestPush(
      { encodedReq: encodeURIComponent(answer), signature: signRequest(answer, KEY), remoteAddress: null },
      createRequestObservation(),
    );
    assert.equal(await stateOf(message.id), 'answered');
    assert.deepEqual(await pulls.servePull(pullParams(false), createRequestObservation()), { body: '{"pull":false}', leasedMessageId: null });
  });

  test('never delivers a message whose TTL has passed', async () => {
    const message = await queue.queueMessage({ destination: [CWM], cmd: 'rd', payload: { _ping: true }, ttlSeconds: 5 });
    fixture.clock.advanceMs(5000);
    assert.deepEqual(await delivery().servePull(pullParams(), createRequestObservation()), { body: '{"pull":false}', leasedMessageId: null });
    assert.equal(await stateOf(message.id), 'expired');
  });

  test('in hmac mode refuses a wrongly signed pull and leases nothing', async () => {
    const message = await queuePing();
    await assert.rejects(delivery().servePull(pullParams(true, 'not-the-key'), createRequestObservation()), isCode('ERR_SIGNATURE_INVALID'));
    assert.equal((await fixture.store.findMessage(message.id))?.deliveryCount, 0);
  });

  test('in hmac mode refuses an unregistered device with ERR_DEVICE_UNKNOWN', async () => {
    const observation = createRequestObservation();
    await assert.rejects(delivery().servePull(pullParams(true, KEY, '0002FFFFFFFFFFFF'), observation), isCode('ERR_DEVICE_UNKNOWN'));
    assert.equal(observation.claimedDeviceId, '0002FFFFFFFFFFFF');
    assert.equal(await fixture.store.findDevice('0002FFFFFFFFFFFF'), null);
  });

  test('in open mode records an unknown puller as a discovered device', async () => {
    const observation = createRequestObservation();
    const result = await delivery('open').servePull(pullParams(true, undefined, '0002FFFFFFFFFFFF'), observation);
    assert.equal(result.body, '{"pull":false}');
    assert.equal(observation.deviceId, '0002FFFFFFFFFFFF');
    const discovered = await fixture.store.findDevice('0002FFFFFFFFFFFF');
    assert.equal(discovered?.key, null);
    assert.equal(discovered?.lastSeenAtMs, fixture.clock.nowMs());
  });
});
