import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { isOpenTpsError, type ErrorCode } from '../errors.js';
import { buildDownstreamOkm } from '../protocol/downstream-okm.js';
import { verifyOkmCrc } from '../protocol/okm-crc.js';
import { formatUtcTimestamp } from '../protocol/okm-timestamp.js';
import { createMessageQueue, type MessageQueue, type MessageQueueDeps } from './message-queue.js';
import { MAX_TTL_SECONDS, type MessageInput } from './message-request.js';

const CWM = '0002010203040506';
const OKE = '1122334455667788';
const DEFAULT_TTL_SECONDS = 600;

function isCode(code: ErrorCode): (error: unknown) => boolean {
  return (error: unknown) => isOpenTpsError(error, code);
}

describe('message queue', () => {
  let fixture: DomainFixture;

  beforeEach(async () => {
    fixture = openDomainFixture();
    await fixture.store.addDevice({ id: CWM, key: 'provisioning-key', name: null, createdAtMs: fixture.clock.nowMs() });
  });

  afterEach(async () => {
    await fixture.close();
  });

  function queueWith(overrides: Partial<MessageQueueDeps> = {}): MessageQueue {
    return createMessageQueue({
      store: fixture.store,
      clock: fixture.clock,
      defaultTtlSeconds: DEFAULT_TTL_SECONDS,
      maxQueuedPerCwm: 10,
      maxOkmBytes: 4096,
      ...overrides,
    });
  }

  test('queues an OKM with _dst, _cmd, the allocated _id, the clock as _ts, the payload and a valid CRC', async () => {
    const message = await queueWith().queueMessage({ destination: [OKE, CWM], cmd: 'wr', payload: { cmd: { relay: 1 } } });
    assert.equal(message.cwmId, CWM, 'the CWM named last in _dst carries the message');
    assert.equal(message.state, 'queued');
    assert.equal(message.okmId, 1);
    assert.equal(message.expiresAtMs, fixture.clock.nowMs() + DEFAULT_TTL_SECONDS * 1000);

    const okm: Record<string, unknown> = JSON.parse(message.okmText);
    assert.deepEqual(okm, {
      _dst: [OKE, CWM],
      _cmd: 'wr',
      _id: 1,
      _ts: '2026-11-24T12:00:00Z',
      _crc: verifyOkmCrc(message.okmText).expected,
      _pld: { cmd: { relay: 1 } },
    });
    assert.equal(verifyOkmCrc(message.okmText).verdict, 'valid');
    assert.deepEqual(Object.keys(okm), ['_dst', '_cmd', '_id', '_ts', '_crc', '_pld']);
    assert.equal((await fixture.store.findMessage(message.id))?.okmText, message.okmText);
  });

  test('allocates increasing _ids and stamps each OKM with the current time', async () => {
    const queue = queueWith();
    const first = await queue.queueMessage({ destination: [CWM], cmd: 'rd', payload: { _ping: true } });
    fixture.clock.advanceMs(61_000);
    const second = await queue.queueMessage({ destination: [CWM], cmd: 'rd', payload: { _ping: true } });
    assert.deepEqual([first.okmId, second.okmId], [1, 2]);
    const parsed: Record<string, unknown> = JSON.parse(second.okmText);
    assert.equal(parsed['_id'], 2);
    assert.equal(parsed['_ts'], '2026-11-24T12:01:01Z');
  });

  test('uses the TTL given with the message', async () => {
    const message = await queueWith().queueMessage({ destination: [CWM], cmd: 'wr', payload: {}, ttlSeconds: 5 });
    assert.equal(message.expiresAtMs, fixture.clock.nowMs() + 5000);
  });

  const invalidInputs: Array<{ name: string; input: MessageInput; code: ErrorCode }> = [
    { name: 'an empty _dst', input: { destination: [], cmd: 'wr', payload: {} }, code: 'ERR_MESSAGE_DST_INVALID' },
    { name: 'a _dst that is not an array', input: { destination: CWM, cmd: 'wr', payload: {} }, code: 'ERR_MESSAGE_DST_INVALID' },
    { name: 'a _dst with a number', input: { destination: [CWM, 42], cmd: 'wr', payload: {} }, code: 'ERR_MESSAGE_DST_INVALID' },
    { name: 'a _dst with an invalid id', input: { destination: ['has space', CWM], cmd: 'wr', payload: {} }, code: 'ERR_MESSAGE_DST_INVALID' },
    { name: 'a _cmd other than wr or rd', input: { destination: [CWM], cmd: 'rw', payload: {} }, code: 'ERR_MESSAGE_CMD_INVALID' },
    { name: 'a missing _cmd', input: { destination: [CWM], cmd: undefined, payload: {} }, code: 'ERR_MESSAGE_CMD_INVALID' },
    { name: 'a _pld that is an array', input: { destination: [CWM], cmd: 'wr', payload: [1, 2] }, code: 'ERR_MESSAGE_PLD_INVALID' },
    { name: 'a _pld that is a string', input: { destination: [CWM], cmd: 'wr', payload: '{"a":1}' }, code: 'ERR_MESSAGE_PLD_INVALID' },
    { name: 'a _pld that is null', input: { destination: [CWM], cmd: 'wr', payload: null }, code: 'ERR_MESSAGE_PLD_INVALID' },
    { name: 'a TTL of zero', input: { destination: [CWM], cmd: 'wr', payload: {}, ttlSeconds: 0 }, code: 'ERR_MESSAGE_TTL_INVALID' },
    { name: 'a fractional TTL', input: { destination: [CWM], cmd: 'wr', payload: {}, ttlSeconds: 1.5 }, code: 'ERR_MESSAGE_TTL_INVALID' },
    { name: 'a TTL given as text', input: { destination: [CWM], cmd: 'wr', payload: {}, ttlSeconds: '60' }, code: 'ERR_MESSAGE_TTL_INVALID' },
    { name: 'a TTL over a year', input: { destination: [CWM], cmd: 'wr', payload: {}, ttlSeconds: MAX_TTL_SECONDS + 1 }, code: 'ERR_MESSAGE_TTL_INVALID' },
    { name: 'an unregistered CWM', input: { destination: [CWM, '0002FFFFFFFFFFFF'], cmd: 'wr', payload: {} }, code: 'ERR_DEVICE_NOT_FOUND' },
  ];
  for (const { name, input, code } of invalidInputs) {
    test(`refuses ${name} with ${code} and queues nothing`, async () => {
      await assert.rejects(queueWith().queueMessage(input), isCode(code));
      assert.deepEqual(await fixture.store.listMessages(CWM, fixture.clock.nowMs()), []);
      const next = await queueWith().queueMessage({ destination: [CWM], cmd: 'wr', payload: {} });
      assert.equal(next.okmId, 1, 'no _id was used up');
    });
  }

  test('refuses a message whose OKM would exceed maxOkmBytes with its largest _id, and accepts one that fits exactly', async () => {
    const payload = { blob: 'x'.repeat(200) };
    const longest = buildDownstreamOkm({
      destination: [CWM],
      cmd: 'wr',
      id: 65535,
      ts: formatUtcTimestamp(fixture.clock.nowMs()),
      payload,
    });
    const limit = Buffer.byteLength(longest, 'utf8');
    await assert.rejects(
      queueWith({ maxOkmBytes: limit - 1 }).queueMessage({ destination: [CWM], cmd: 'wr', payload }),
      isCode('ERR_MESSAGE_TOO_LARGE'),
    );
    assert.deepEqual(await fixture.store.listMessages(CWM, fixture.clock.nowMs()), []);
    const accepted = await queueWith({ maxOkmBytes: limit }).queueMessage({ destination: [CWM], cmd: 'wr', payload });
    assert.ok(Buffer.byteLength(accepted.okmText, 'utf8') <= limit);
  });

  test('counts the OKM size in UTF-8 bytes, not characters', async () => {
    const payload = { text: 'é'.repeat(100) };
    const longest = buildDownstreamOkm({ destination: [CWM], cmd: 'wr', id: 65535, ts: formatUtcTimestamp(fixture.clock.nowMs()), payload });
    await assert.rejects(
      queueWith({ maxOkmBytes: longest.length }).queueMessage({ destination: [CWM], cmd: 'wr', payload }),
      isCode('ERR_MESSAGE_TOO_LARGE'),
    );
  });

  test('refuses a message beyond the depth limit with ERR_QUEUE_FULL', async () => {
    const queue = queueWith({ maxQueuedPerCwm: 2 });
    await queue.queueMessage({ destination: [CWM], cmd: 'wr', payload: { n: 1 } });
    await queue.queueMessage({ destination: [CWM], cmd: 'wr', payload: { n: 2 } });
    await assert.rejects(queue.queueMessage({ destination: [CWM], cmd: 'wr', payload: { n: 3 } }), isCode('ERR_QUEUE_FULL'));
    assert.equal((await queue.listMessages(CWM)).length, 2);
  });

  test('cancels a message at the current time', async () => {
    const queue = queueWith();
    const message = await queue.queueMessage({ destination: [CWM], cmd: 'wr', payload: {} });
    fixture.clock.advanceMs(1234);
    const cancelled = await queue.cancelMessage(message.id);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.endedAtMs, fixture.clock.nowMs());
  });

  test('lists a CWM\'s messages with overdue ones shown as expired, and refuses an unknown CWM', async () => {
    const queue = queueWith();
    await queue.queueMessage({ destination: [CWM], cmd: 'wr', payload: {}, ttlSeconds: 1 });
    await queue.queueMessage({ destination: [CWM], cmd: 'wr', payload: {}, ttlSeconds: 60 });
    fixture.clock.advanceMs(1000);
    assert.deepEqual((await queue.listMessages(CWM)).map((message) => message.state), ['expired', 'queued']);
    await assert.rejects(queue.listMessages('0002FFFFFFFFFFFF'), isCode('ERR_DEVICE_NOT_FOUND'));
  });
});
