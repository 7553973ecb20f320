import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOpenTpsError } from '../errors.js';
import { decodeFileRequest } from './file-request.js';

test('a signed file request names the device and the file', () => {
  const text = '{"devid":"0002010203040506","file":"fw-2.1.bin","ts":"2026-11-25T00:00:00"}';
  assert.deepEqual(decodeFileRequest(text), { reqText: text, deviceId: '0002010203040506', fileName: 'fw-2.1.bin' });
  assert.equal(decodeFileRequest('{"devid":"0002010203040506"}').fileName, null);
});

test('a file or devid given twice is refused with ERR_OKM_DUPLICATE_KEY: which file was signed would be a guess', () => {
  for (const text of ['{"devid":"A1","file":"a.bin","file":"b.bin"}', '{"devid":"A1","\\u0066ile":"a.bin","file":"b.bin"}', '{"devid":"A1","devid":"A2"}']) {
    assert.throws(() => decodeFileRequest(text), (error: unknown) => isOpenTpsError(error, 'ERR_OKM_DUPLICATE_KEY') && error.status === 400, text);
  }
});
