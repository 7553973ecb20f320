import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCaSerial } from './ca-serial.js';

test('a serial is 32 upper-case hex digits whose first byte is from 0x10 to 0x7F, whatever the random bytes', () => {
  for (const first of [0x00, 0x0f, 0x10, 0x7f, 0x80, 0xff]) {
    const serial = newCaSerial((size) => Buffer.alloc(size, first));
    assert.match(serial, /^[0-9A-F]{32}$/);
    const firstByte = Number.parseInt(serial.slice(0, 2), 16);
    assert.ok(firstByte >= 0x10 && firstByte <= 0x7f, `first byte ${firstByte.toString(16)} from ${first.toString(16)}`);
    assert.equal(serial.slice(2), Buffer.alloc(15, first).toString('hex').toUpperCase(), 'the other 15 bytes are kept as drawn');
  }
});

test('two serials drawn from the system generator differ', () => {
  assert.notEqual(newCaSerial(), newCaSerial());
});
