import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSeededRandom } from './seeded-random.js';
import { VirtualOke } from './virtual-oke.js';

test('heartbeats carry plausible, slowly varying equipment data', () => {
  const oke = new VirtualOke('0363000000000001', createSeededRandom(3));
  const beats = Array.from({ length: 30 }, () => oke.heartbeat());
  for (const beat of beats) {
    assert.equal(typeof beat['temp'], 'number');
    assert.ok(Number(beat['temp']) > 0 && Number(beat['temp']) < 260);
    assert.ok(['idle', 'preheat', 'cooking', 'holding'].includes(String(beat['cook'])));
    assert.ok(beat['door'] === 0 || beat['door'] === 1);
  }
  for (let i = 1; i < beats.length; i++) {
    assert.ok(Math.abs(Number(beats[i]?.['temp']) - Number(beats[i - 1]?.['temp'])) < 80, 'no jumps');
  }
});

test('a ping is answered, a relay command changes the relay and shows in the next heartbeat', () => {
  const oke = new VirtualOke('0363000000000001', createSeededRandom(3));
  assert.deepEqual(oke.execute('rd', { _ping: true }), { payload: { _ping: true }, isKnown: true });
  assert.deepEqual(oke.execute('wr', { cmd: { relay: 1 } }), { payload: { cmd: { relay: 1 }, ok: true }, isKnown: true });
  assert.equal(oke.heartbeat()['relay'], 1);
  assert.equal(oke.execute('wr', { cmd: { relay: 'on' } }).payload['ok'], false);
});

test('rd answers the fields asked for, null for unknown ones; unknown payloads are acknowledged as unknown', () => {
  const oke = new VirtualOke('0363000000000001', createSeededRandom(3));
  const answer = oke.execute('rd', { setp: null, nonsense: null });
  assert.equal(typeof answer.payload['setp'], 'number');
  assert.equal(answer.payload['nonsense'], null);
  assert.deepEqual(oke.execute('wr', { recipe: { id: 4 } }), { payload: { ack: true, unknown: ['recipe'] }, isKnown: false });
});
