import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectNamedSignatures, redactFormBody, redactKnownSignatures, redactUrl } from './signature-redaction.js';

const SIG = 'ab'.repeat(32);

test('replaces the sha256hmac value and keeps everything else as written', () => {
  assert.equal(redactUrl(`/push?sha256hmac=${SIG}&req=%7B%7D`), '/push?sha256hmac=[redacted]&req=%7B%7D');
  assert.equal(redactUrl(`/pull?req=%7B%7D&sha256hmac=${SIG}`), '/pull?req=%7B%7D&sha256hmac=[redacted]');
});

test('redacts every spelling of the name the server would read as the signature', () => {
  for (const name of ['SHA256HMAC', 'sha256%68mac', 'sha256%48MAC', '%73ha256hmac']) {
    assert.equal(redactUrl(`/push?${name}=${SIG}&req=1`), `/push?${name}=[redacted]&req=1`);
  }
});

test('redacts a repeated signature parameter each time', () => {
  assert.equal(redactUrl(`/push?sha256hmac=${SIG}&sha256hmac=${SIG}`), '/push?sha256hmac=[redacted]&sha256hmac=[redacted]');
});

test('leaves URLs without a query, and parameters merely containing the name, alone', () => {
  assert.equal(redactUrl('/push'), '/push');
  assert.equal(redactUrl('/push?xsha256hmac=1&req=sha256hmac'), '/push?xsha256hmac=1&req=sha256hmac');
});

test('keeps a name that is not valid percent encoding as written', () => {
  assert.equal(redactUrl('/x?%zz=1&sha256hmac=2'), '/x?%zz=1&sha256hmac=[redacted]');
});

test('redacts the signature of a form body and reports the value it found', () => {
  const found = new Set<string>();
  assert.equal(redactFormBody(`req=%7B%7D&sha256hmac=${SIG.toUpperCase()}`, found), 'req=%7B%7D&sha256hmac=[redacted]');
  assert.deepEqual([...found], [SIG]);
  assert.equal(redactFormBody('{"not":"a form"}'), '{"not":"a form"}');
});

test('finds a signature written after its name in JSON or a header, and removes every copy in any case', () => {
  const found = new Set<string>();
  collectNamedSignatures(`{"sha256hmac": "${SIG}"}`, found);
  collectNamedSignatures(`https://tps/pull?sha256hmac%3D${'cd'.repeat(32)}`, found);
  assert.deepEqual([...found].sort(), [SIG, 'cd'.repeat(32)]);
  assert.equal(redactKnownSignatures(`x ${SIG.toUpperCase()} y ${SIG}`, found), 'x [redacted] y [redacted]');
});

test('a percent-encoded signature value is found in its decoded spelling too', () => {
  const found = new Set<string>();
  redactUrl(`/pull?sha256hmac=%61${'b'.repeat(63)}&req=1`, found);
  assert.ok(found.has(`a${'b'.repeat(63)}`));
});

test('short values are not taken for signatures', () => {
  const found = new Set<string>();
  redactUrl('/x?sha256hmac=abc', found);
  assert.equal(found.size, 0);
  assert.equal(redactKnownSignatures('abc abc', new Set(['abc'])), 'abc abc');
});
