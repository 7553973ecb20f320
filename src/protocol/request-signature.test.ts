import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { isWellFormedSignature, keyByteVariants, signRequest, verifyRequestSignature } from './request-signature.js';

const REQ = '{"okm":{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_ts":"2019-12-26T14:40:00","_crc":"8813","_pld":{"_hbt":{"door":56}}},"ts":"2020-09-16T12:13:47"}';
const TEXT_KEY = 'my provisioning key!';
const HEX_KEY = '00112233445566778899aabbccddeeff';

describe('signRequest', () => {
  test('gives the lower-case hex HMAC-SHA256 of the text keyed with the UTF-8 key', () => {
    const independent = createHmac('sha256', Buffer.from(TEXT_KEY, 'utf8')).update(Buffer.from(REQ, 'utf8')).digest('hex');
    assert.equal(signRequest(REQ, TEXT_KEY), independent);
    assert.match(signRequest(REQ, TEXT_KEY), /^[0-9a-f]{64}$/);
  });

  test('matches the RFC 4231 test case 2 value', () => {
    assert.equal(signRequest('what do ya want for nothing?', 'Jefe'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  test('hashes non-ASCII text as UTF-8', () => {
    const text = '{"devid":"X","note":"crème 中 😀"}';
    assert.equal(signRequest(text, 'k'), createHmac('sha256', 'k').update(Buffer.from(text, 'utf8')).digest('hex'));
  });

  test('accepts a key given as bytes', () => {
    const bytes = Buffer.from(HEX_KEY, 'hex');
    assert.equal(signRequest(REQ, bytes), createHmac('sha256', bytes).update(REQ).digest('hex'));
  });
});

describe('verifyRequestSignature', () => {
  test('accepts a signature made with the same text and key', () => {
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, TEXT_KEY), TEXT_KEY), true);
  });

  test('accepts an upper-case signature', () => {
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, TEXT_KEY).toUpperCase(), TEXT_KEY), true);
  });

  test('accepts a hex key used either as its UTF-8 text or as the bytes it encodes', () => {
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, HEX_KEY), HEX_KEY), true);
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, Buffer.from(HEX_KEY, 'hex')), HEX_KEY), true);
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, Buffer.from(HEX_KEY.toUpperCase(), 'hex')), HEX_KEY.toUpperCase()), true);
  });

  test('does not decode a key as hex when it is not valid hex', () => {
    const oddLength = 'abc';
    // Buffer.from('abc', 'hex') silently yields one byte; that reading must not be accepted.
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, Buffer.from(oddLength, 'hex')), oddLength), false);
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, oddLength), oddLength), true);
  });

  test('refuses a signature made with another key', () => {
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, 'another key'), TEXT_KEY), false);
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ, Buffer.from('00112233445566778899aabbccddeefe', 'hex')), HEX_KEY), false);
  });

  test('refuses a signature made over other text, even one space different', () => {
    assert.equal(verifyRequestSignature(REQ, signRequest(REQ.replace('"ts":', '"ts": '), TEXT_KEY), TEXT_KEY), false);
    assert.equal(verifyRequestSignature(`${REQ} `, signRequest(REQ, TEXT_KEY), TEXT_KEY), false);
  });

  test('refuses a truncated, extended, non-hex or empty signature', () => {
    const good = signRequest(REQ, TEXT_KEY);
    assert.equal(verifyRequestSignature(REQ, good.slice(0, 63), TEXT_KEY), false);
    assert.equal(verifyRequestSignature(REQ, good.slice(0, 32), TEXT_KEY), false);
    assert.equal(verifyRequestSignature(REQ, `${good}0`, TEXT_KEY), false);
    assert.equal(verifyRequestSignature(REQ, `${good.slice(0, 63)}g`, TEXT_KEY), false);
    assert.equal(verifyRequestSignature(REQ, ` ${good.slice(1)}`, TEXT_KEY), false);
    assert.equal(verifyRequestSignature(REQ, '', TEXT_KEY), false);
  });

  test('refuses a signature with one flipped digit', () => {
    const good = signRequest(REQ, TEXT_KEY);
    const flipped = (good[10] === '0' ? '1' : '0');
    assert.equal(verifyRequestSignature(REQ, good.slice(0, 10) + flipped + good.slice(11), TEXT_KEY), false);
  });
});

describe('isWellFormedSignature', () => {
  test('accepts exactly 64 hex digits in either case', () => {
    assert.equal(isWellFormedSignature('a'.repeat(64)), true);
    assert.equal(isWellFormedSignature('0123456789ABCDEFabcdef'.padEnd(64, '0')), true);
  });

  test('refuses other lengths and characters', () => {
    assert.equal(isWellFormedSignature('a'.repeat(63)), false);
    assert.equal(isWellFormedSignature('a'.repeat(65)), false);
    assert.equal(isWellFormedSignature('g'.repeat(64)), false);
    assert.equal(isWellFormedSignature(`${'a'.repeat(63)}\n`), false);
  });
});

describe('keyByteVariants', () => {
  test('gives only the UTF-8 bytes for a key that is not hex', () => {
    assert.deepEqual(keyByteVariants('clé'), [Buffer.from('clé', 'utf8')]);
    assert.deepEqual(keyByteVariants('abc'), [Buffer.from('abc', 'utf8')]);
    assert.deepEqual(keyByteVariants('0g'), [Buffer.from('0g', 'utf8')]);
  });

  test('gives the UTF-8 bytes then the decoded bytes for an even-length hex key', () => {
    assert.deepEqual(keyByteVariants('0aFF'), [Buffer.from('0aFF', 'utf8'), Buffer.from([0x0a, 0xff])]);
  });
});
