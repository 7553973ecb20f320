// What a virtual CWM makes of a pulled OKM: CRC first, then JSON, then the routing fields.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sealOkmCrc } from '../protocol/okm-crc.js';
import { CwmOwnCommands } from './cwm-own-commands.js';
import { readInboundOkm } from './inbound-okm.js';

const GOOD = sealOkmCrc('{"_dst":["036334d0b8df1f05","0002010203040506"],"_cmd":"rd","_id":7,"_ts":"2026-11-25T00:00:00","_crc":"0000","_pld":{"_ping":true}}');

test('a sealed OKM is read with its destination, command, _id and payload', () => {
  assert.deepEqual(readInboundOkm(GOOD), {
    kind: 'ok', destination: ['036334d0b8df1f05', '0002010203040506'], cmd: 'rd', okmId: 7, payload: { _ping: true },
  });
});

test('a changed byte, a missing _crc and text that is not JSON are each told apart', () => {
  assert.equal(readInboundOkm(GOOD.replace('"rd"', '"wr"')).kind, 'crc-invalid');
  assert.equal(readInboundOkm('{"_dst":["0002010203040506"],"_cmd":"wr","_id":1,"_pld":{}}').kind, 'crc-missing');
  assert.equal(readInboundOkm('{"_crc":"0000", oops').kind, 'json-invalid', 'malformed text is reported, not thrown');
});

test('the CWM answers _ping, takes a valid Port command, refuses a bad one and flags the unknown', () => {
  const commands = new CwmOwnCommands();
  assert.deepEqual(commands.execute({ _ping: true }), { payload: { _ping: true }, isKnown: true });
  assert.deepEqual(commands.execute({ oke: { port: '485', baud: 9600 } }).payload, { oke: { port: '485', baud: 9600 }, ok: true });
  assert.deepEqual(commands.portSetting, { port: '485', baud: 9600 });
  assert.equal(commands.execute({ oke: { port: 'rs999', baud: 9600 } }).payload['ok'], false);
  assert.equal(commands.execute({ oke: { port: '232', baud: -1 } }).payload['ok'], false);
  assert.deepEqual(commands.portSetting, { port: '485', baud: 9600 }, 'a refused command changes nothing');
  assert.deepEqual(commands.execute({ reboot: 1 }), { payload: { ack: true, unknown: ['reboot'] }, isKnown: false });
});
