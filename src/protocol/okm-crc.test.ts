import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { computeOkmCrc, sealOkmCrc, verifyOkmCrc } from './okm-crc.js';
import { computeCrc16, formatCrc16 } from './crc16.js';

const GOLDEN =
  '{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_ts":"2019-12-26T14:40:00","_crc":"8813","_pld":{"_hbt":{"door":56}}}';

/** The CRC computed in the test itself: the text with the given 4 characters replaced by 0000. */
function crcWithSlotZeroed(text: string, digits: string): string {
  const marker = `"_crc":"${digits}"`;
  const at = text.lastIndexOf(marker);
  assert.ok(at >= 0, 'the test text must contain the marker');
  const slot = at + '"_crc":"'.length;
  return formatCrc16(computeCrc16(new TextEncoder().encode(text.slice(0, slot) + '0000' + text.slice(slot + 4))));
}

describe('verifyOkmCrc', () => {
  test('accepts the vendor golden vector with expected CRC 8813', () => {
    assert.deepEqual(verifyOkmCrc(GOLDEN), { verdict: 'valid', received: '8813', expected: '8813' });
  });

  test('accepts a lower-case CRC and reports the expected one in upper case', () => {
    const text = GOLDEN.replace('"_id":192', '"_id":0').replace('"8813"', '"2c42"');
    assert.deepEqual(verifyOkmCrc(text), { verdict: 'valid', received: '2c42', expected: '2C42' });
    assert.deepEqual(verifyOkmCrc(text.replace('"2c42"', '"2C42"')), { verdict: 'valid', received: '2C42', expected: '2C42' });
    assert.deepEqual(verifyOkmCrc(text.replace('"2c42"', '"2c4A"')).verdict, 'mismatch');
  });

  test('reports mismatch when one payload byte changed after the CRC was computed', () => {
    const changed = GOLDEN.replace('"door":56', '"door":57');
    const check = verifyOkmCrc(changed);
    assert.equal(check.verdict, 'mismatch');
    assert.equal(check.received, '8813');
    assert.equal(check.expected, crcWithSlotZeroed(changed, '8813'));
    assert.notEqual(check.expected, '8813');
  });

  test('reports mismatch when the CRC digits themselves are wrong', () => {
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', '"8814"')), { verdict: 'mismatch', received: '8814', expected: '8813' });
  });

  test('reports mismatch when a header changed, e.g. a CWM id added to _src', () => {
    const withCwm = GOLDEN.replace('["0102030405060708"]', '["0102030405060708","0002AABBCCDDEEFF"]');
    assert.equal(verifyOkmCrc(withCwm).verdict, 'mismatch');
  });

  test('reports missing when there is no _crc member', () => {
    const text = '{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_pld":{"_hbt":{"door":56}}}';
    assert.deepEqual(verifyOkmCrc(text), { verdict: 'missing', received: null, expected: null });
  });

  test('does not use a _crc nested inside _pld as the slot', () => {
    const nestedOnly = '{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_pld":{"_crc":"8813","door":56}}';
    assert.deepEqual(verifyOkmCrc(nestedOnly), { verdict: 'missing', received: null, expected: null });

    // The nested value comes first in the text; the top-level slot is the one checked and zeroed.
    const both = '{"_pld":{"_crc":"ABCD"},"_src":["0102030405060708"],"_crc":"0000"}';
    const sealed = sealOkmCrc(both);
    assert.ok(sealed.startsWith('{"_pld":{"_crc":"ABCD"}'), sealed);
    const check = verifyOkmCrc(sealed);
    assert.equal(check.verdict, 'valid');
    assert.equal(check.expected, crcWithSlotZeroed(sealed, check.expected ?? ''));
    assert.equal(verifyOkmCrc(sealed.replace('"ABCD"', '"ABCE"')).verdict, 'mismatch');
  });

  test('reports malformed for a string of the wrong length, with the raw text received', () => {
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', '"881"')), { verdict: 'malformed', received: '881', expected: null });
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', '"88130"')), { verdict: 'malformed', received: '88130', expected: null });
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', '""')), { verdict: 'malformed', received: '', expected: null });
  });

  test('reports malformed for non-hex digits', () => {
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', '"88G3"')), { verdict: 'malformed', received: '88G3', expected: null });
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', '" 813"')), { verdict: 'malformed', received: ' 813', expected: null });
  });

  test('reports malformed for a CRC sent as a JSON number or other non-string', () => {
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', '8813')), { verdict: 'malformed', received: '8813', expected: null });
    assert.deepEqual(verifyOkmCrc(GOLDEN.replace('"8813"', 'null')), { verdict: 'malformed', received: 'null', expected: null });
    assert.equal(verifyOkmCrc(GOLDEN.replace('"8813"', '["8813"]')).verdict, 'malformed');
  });

  test('reports malformed for a CRC written with a JSON escape, since the slot is taken from the raw text', () => {
    assert.equal(verifyOkmCrc(GOLDEN.replace('"8813"', '"\\u0038813"')).verdict, 'malformed');
  });

  test('works on the raw text when there is whitespace between key and value', () => {
    const spaced = GOLDEN.replace('"_crc":"8813"', '"_crc" : "0000"');
    const sealed = sealOkmCrc(spaced);
    const check = verifyOkmCrc(sealed);
    assert.equal(check.verdict, 'valid');
    assert.equal(check.expected, crcWithSlotZeroedAfterSpacedKey(sealed));
    // Spacing is part of the protected text: the golden CRC no longer fits.
    assert.equal(verifyOkmCrc(GOLDEN.replace('"_crc":"8813"', '"_crc" : "8813"')).verdict, 'mismatch');
  });

  test('works on pretty-printed text and on any key order', () => {
    const value = JSON.parse(GOLDEN) as Record<string, unknown>;
    value['_crc'] = '0000';
    const pretty = sealOkmCrc(JSON.stringify(value, null, 2));
    assert.equal(verifyOkmCrc(pretty).verdict, 'valid');
    const reordered = sealOkmCrc('{"_crc":"0000","_pld":{"_hbt":{"door":56}},"_ts":"2019-12-26T14:40:00","_id":192,"_cmd":"wr","_src":["0102030405060708"]}');
    const check = verifyOkmCrc(reordered);
    assert.equal(check.verdict, 'valid');
    assert.equal(check.expected, crcWithSlotZeroed(reordered, check.expected ?? ''));
    assert.notEqual(check.expected, '8813');
  });

  test('uses the last _crc when the key is duplicated, as JSON.parse does', () => {
    const text = GOLDEN.replace('"_crc":"8813"', '"_crc":"FFFF","_crc":"0000"');
    const sealed = sealOkmCrc(text);
    assert.ok(sealed.includes('"_crc":"FFFF","_crc":"'), sealed);
    assert.equal(verifyOkmCrc(sealed).verdict, 'valid');
    assert.equal((JSON.parse(sealed) as { _crc: string })._crc, verifyOkmCrc(sealed).received);
  });

  test('checks the UTF-8 bytes of non-ASCII text', () => {
    const sealed = sealOkmCrc('{"_src":["A1"],"_crc":"0000","_pld":{"name":"Crème brûlée 中文 😀"}}');
    const check = verifyOkmCrc(sealed);
    assert.equal(check.verdict, 'valid');
    assert.equal(check.expected, crcWithSlotZeroed(sealed, check.expected ?? ''));
    assert.equal(verifyOkmCrc(sealed.replace('😀', '😁')).verdict, 'mismatch');
  });
});

/** Same as crcWithSlotZeroed, for a text written `"_crc" : "XXXX"`. */
function crcWithSlotZeroedAfterSpacedKey(text: string): string {
  const marker = '"_crc" : "';
  const slot = text.indexOf(marker) + marker.length;
  return formatCrc16(computeCrc16(new TextEncoder().encode(text.slice(0, slot) + '0000' + text.slice(slot + 4))));
}

describe('computeOkmCrc', () => {
  test('gives 8813 for the golden vector whatever its slot currently holds', () => {
    assert.equal(computeOkmCrc(GOLDEN), '8813');
    assert.equal(computeOkmCrc(GOLDEN.replace('"8813"', '"0000"')), '8813');
    assert.equal(computeOkmCrc(GOLDEN.replace('"8813"', '"abcd"')), '8813');
  });

  test('returns null when there is no slot of four hex digits', () => {
    assert.equal(computeOkmCrc('{"_src":["A"]}'), null);
    assert.equal(computeOkmCrc(GOLDEN.replace('"8813"', '"881"')), null);
    assert.equal(computeOkmCrc(GOLDEN.replace('"8813"', '8813')), null);
  });
});

describe('sealOkmCrc', () => {
  test('fills the slot of the golden vector with 8813 and changes nothing else', () => {
    assert.equal(sealOkmCrc(GOLDEN.replace('"8813"', '"0000"')), GOLDEN);
    assert.equal(sealOkmCrc(GOLDEN.replace('"8813"', '"beef"')), GOLDEN);
  });

  test('leaves an already sealed text unchanged', () => {
    assert.equal(sealOkmCrc(GOLDEN), GOLDEN);
  });

  test('returns text without a usable slot as it is', () => {
    const missing = '{"_src":["A"],"_pld":{}}';
    assert.equal(sealOkmCrc(missing), missing);
    const malformed = GOLDEN.replace('"8813"', '"88"');
    assert.equal(sealOkmCrc(malformed), malformed);
  });
});
