import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { computeCrc16, formatCrc16 } from './crc16.js';
import { createSeededRandom } from '../simulator/seeded-random.js';

const utf8 = new TextEncoder();

/** A bit-by-bit CRC-16/CCITT-FALSE written independently of the table-driven one under test. */
function bitwiseCrc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

describe('computeCrc16', () => {
  test('gives the CRC-16/CCITT-FALSE check value 0x29B1 for "123456789"', () => {
    assert.equal(computeCrc16(utf8.encode('123456789')), 0x29b1);
  });

  test('gives the initial value 0xFFFF for no bytes', () => {
    assert.equal(computeCrc16(new Uint8Array(0)), 0xffff);
  });

  test('gives 0xB915 for the single byte "A"', () => {
    assert.equal(computeCrc16(utf8.encode('A')), 0xb915);
  });

  test('continues a CRC from a seed as if the two inputs were one', () => {
    const whole = computeCrc16(utf8.encode('123456789'));
    const continued = computeCrc16(utf8.encode('6789'), computeCrc16(utf8.encode('12345')));
    assert.equal(continued, whole);
    assert.equal(continued, 0x29b1);
  });

  test('uses only the low 16 bits of the seed', () => {
    assert.equal(computeCrc16(utf8.encode('123456789'), 0x1ffff), 0x29b1);
  });

  test('runs over UTF-8 bytes, so an accented character differs from its unaccented letter', () => {
    assert.equal(computeCrc16(utf8.encode('é')), bitwiseCrc16(Uint8Array.of(0xc3, 0xa9)));
    assert.notEqual(computeCrc16(utf8.encode('é')), computeCrc16(utf8.encode('e')));
  });

  test('agrees with a bitwise implementation on 1000 random byte strings', () => {
    const random = createSeededRandom(0x29b1).next;
    for (let i = 0; i < 1000; i++) {
      const bytes = new Uint8Array(Math.floor(random() * 300));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      assert.equal(computeCrc16(bytes), bitwiseCrc16(bytes), `input #${i} of ${bytes.length} bytes`);
    }
  });

  test('always returns an integer from 0 to 0xFFFF', () => {
    const random = createSeededRandom(7).next;
    for (let i = 0; i < 500; i++) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 40));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      const crc = computeCrc16(bytes);
      assert.ok(Number.isInteger(crc) && crc >= 0 && crc <= 0xffff, `got ${crc}`);
    }
  });
});

describe('formatCrc16', () => {
  test('writes four upper-case hex digits', () => {
    assert.equal(formatCrc16(0x29b1), '29B1');
    assert.equal(formatCrc16(0xabcd), 'ABCD');
    assert.equal(formatCrc16(0xffff), 'FFFF');
  });

  test('pads small values with leading zeros', () => {
    assert.equal(formatCrc16(0), '0000');
    assert.equal(formatCrc16(0xa), '000A');
    assert.equal(formatCrc16(0x8813 & 0x0fff), '0813');
  });

  test('keeps only the low 16 bits', () => {
    assert.equal(formatCrc16(0x1abcd), 'ABCD');
  });
});
