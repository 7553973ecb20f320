import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { createFileDigester } from './file-digests.js';

test('digests over chunks equal digests of the whole: MD5, SHA-256 and the protocol CRC-16 ("123456789" -> 29B1)', () => {
  const digester = createFileDigester();
  for (const part of ['1234', '5', '6789']) digester.update(Buffer.from(part));
  const digests = digester.finish();
  assert.equal(digests.size, 9);
  assert.equal(digests.crc16, '29B1');
  assert.equal(digests.md5, createHash('md5').update('123456789').digest('hex'));
  assert.equal(digests.sha256, createHash('sha256').update('123456789').digest('hex'));
});

test('an empty file has the CRC seed FFFF', () => {
  assert.equal(createFileDigester().finish().crc16, 'FFFF');
});
