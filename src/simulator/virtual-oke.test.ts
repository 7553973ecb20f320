import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import { findHeartbeatViolations } from './heartbeat-conformance.js';
import { createSeededRandom } from './seeded-random.js';
import { VirtualOke } from './virtual-oke.js';

const FRYER_ID = `${EXAMPLE_FRYER_MODEL.modelId}00000000000a`;
const OVEN_ID = `${EXAMPLE_COMBI_OVEN_MODEL.modelId}00000000000b`;
const fryer = () => new VirtualOke({ id: FRYER_ID, model: EXAMPLE_FRYER_MODEL.modelId }, createSeededRandom(3), 60);

test('an OKE heartbeats the fields of its model, its serial number taken from its id', () => {
  const oven = new VirtualOke({ id: OVEN_ID, model: EXAMPLE_COMBI_OVEN_MODEL.modelId }, createSeededRandom(3), 60);
  const fryerBeat = fryer().heartbeat();
  const ovenBeat = oven.heartbeat();
  assert.deepEqual(findHeartbeatViolations(EXAMPLE_FRYER_MODEL, fryerBeat), []);
  assert.deepEqual(findHeartbeatViolations(EXAMPLE_COMBI_OVEN_MODEL, ovenBeat), []);
  assert.equal(fryerBeat['serial_no'], '00000000000A');
  assert.equal(ovenBeat['serial_no'], '00000000000B');
});

test('an OKE of a model the simulator has no physics for is refused', () => {
  assert.throws(() => new VirtualOke({ id: '0363000000000001', model: '0363' }, createSeededRandom(3), 60), RangeError);
});

test('a ping is answered; a relay command sets the relay, which rd reads back, and no heartbeat carries it', () => {
  const oke = fryer();
  assert.deepEqual(oke.execute('rd', { _ping: true }), { payload: { _ping: true }, isKnown: true });
  assert.deepEqual(oke.execute('wr', { cmd: { relay: 1 } }), { payload: { cmd: { relay: 1 }, ok: true }, isKnown: true });
  assert.deepEqual(oke.execute('rd', { relay: null }), { payload: { relay: 1 }, isKnown: true });
  assert.equal(Object.hasOwn(oke.heartbeat(), 'relay'), false);
  assert.equal(oke.execute('wr', { cmd: { relay: 'on' } }).payload['ok'], false);
});

test('rd answers the named fields of the current heartbeat, null for unknown ones; unknown payloads are acknowledged as unknown', () => {
  const oke = fryer();
  const beat = oke.heartbeat();
  const answer = oke.execute('rd', { oil_temp: null, set_temp: null, nonsense: null });
  assert.deepEqual(answer.payload, { oil_temp: beat['oil_temp'], set_temp: beat['set_temp'], nonsense: null });
  assert.deepEqual(oke.execute('wr', { recipe: { id: 4 } }), { payload: { ack: true, unknown: ['recipe'] }, isKnown: false });
});
