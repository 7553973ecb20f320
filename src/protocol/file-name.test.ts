import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFileNameSegment, isReservedFileName, isValidFileName } from './file-name.js';

test('plain names of letters, digits, dot, underscore and dash up to 128 characters are valid', () => {
  for (const name of ['file1023.bin', 'fw-2.1_b.bin', 'A', '0', 'x'.repeat(128), 'menu.tar.gz', '_private', '-dash']) {
    assert.ok(isValidFileName(name), name);
  }
});

test('traversal, separators, NUL, spaces, leading dots and long names are invalid', () => {
  for (const name of ['', '.', '..', '../etc/passwd', '/etc/passwd', 'a/b', 'a\\b', '..\\x', 'a\0b', 'a b', '.hidden', 'x'.repeat(129), 'é.bin', 'C:']) {
    assert.ok(!isValidFileName(name), JSON.stringify(name));
  }
});

test('decoding a path segment refuses encoded traversal, slashes, backslashes, NUL and bad escapes', () => {
  assert.equal(decodeFileNameSegment('file1023.bin'), 'file1023.bin');
  assert.equal(decodeFileNameSegment('fw%2D1.bin'), 'fw-1.bin');
  for (const segment of ['%2e%2e', '%2E%2E%2Fetc%2Fpasswd', '..%2f..%2fetc', '%2fetc%2fpasswd', 'a%5cb', 'a%00b', '%zz', '..']) {
    assert.equal(decodeFileNameSegment(segment), null, segment);
  }
});

test('names of device, API and console routes are reserved, whatever their case', () => {
  for (const name of ['push', 'PULL', 'time', 'provision', 'provision.bin', 'files', 'api', 'console', 'pullform', 'healthz', 'Metrics']) {
    assert.ok(isReservedFileName(name), name);
  }
  for (const name of ['push.bin', 'file1023.bin', 'pull-fw.bin']) assert.ok(!isReservedFileName(name), name);
});
