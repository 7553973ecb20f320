// The device a request claims, for the traffic log: devid, or the CWM of a pushed OKM; null otherwise.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOpenTpsError } from '../errors.js';
import { claimedDeviceIdOf } from './claimed-device.js';

const encode = (value: unknown): string => encodeURIComponent(JSON.stringify(value));

test('devid of a pull, time or provision request', () => {
  assert.equal(claimedDeviceIdOf(encode({ devid: '0002010203040506', ts: '2026-11-25T00:00:00', lokm: true })), '0002010203040506');
});

test('the CWM of a pushed OKM: _src[1], or _src[0] when the CWM sent it itself', () => {
  assert.equal(claimedDeviceIdOf(encode({ okm: { _src: ['036334d0b8df1f05', '0002010203040506'], _cmd: 'wr' } })), '0002010203040506');
  assert.equal(claimedDeviceIdOf(encode({ okm: { _src: ['0002010203040506'], _cmd: 'wr' } })), '0002010203040506');
});

test('nothing to claim: no req, unreadable text, other shapes', () => {
  for (const encoded of [undefined, '%7Bnot json', encode([1, 2]), encode({ okm: { _src: [] } }), encode({ okm: { _src: [7] } }), encode({ okm: 'x' }), encode({ devid: 7 })]) {
    assert.equal(claimedDeviceIdOf(encoded), null, String(encoded));
  }
});

test('a req that names a member twice claims two devices at once and is refused with ERR_OKM_DUPLICATE_KEY', () => {
  for (const text of [
    '{"devid":"0002000000000002","devid":"0002000000000010"}',
    '{"okm":{"_src":["0002000000000002"],"\\u005fsrc":["0002000000000010"]}}',
    '{"devid":"0002000000000002","ts":"a","ts":"b"}',
  ]) {
    assert.throws(() => claimedDeviceIdOf(encodeURIComponent(text)), (error: unknown) => isOpenTpsError(error, 'ERR_OKM_DUPLICATE_KEY'), text);
  }
});
