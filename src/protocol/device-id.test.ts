import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cwmIdFromDestination, cwmIdFromSource, isValidDeviceId, originIdFromSource } from './device-id.js';

describe('cwmIdFromSource', () => {
  test('takes the second element when _src names an OKE and its CWM', () => {
    assert.equal(cwmIdFromSource(['036334d0b8df1f05', '0002010203040506']), '0002010203040506');
  });

  test('takes the only element when the CWM speaks for itself', () => {
    assert.equal(cwmIdFromSource(['0102030405060708']), '0102030405060708');
  });

  test('returns an empty string for an empty source', () => {
    assert.equal(cwmIdFromSource([]), '');
  });
});

describe('originIdFromSource', () => {
  test('always takes the first element', () => {
    assert.equal(originIdFromSource(['036334d0b8df1f05', '0002010203040506']), '036334d0b8df1f05');
    assert.equal(originIdFromSource(['0102030405060708']), '0102030405060708');
    assert.equal(originIdFromSource([]), '');
  });
});

describe('cwmIdFromDestination', () => {
  test('takes the device named last in _dst', () => {
    assert.equal(cwmIdFromDestination(['1122334455667788', '0002010203040506']), '0002010203040506');
    assert.equal(cwmIdFromDestination(['CWMID']), 'CWMID');
    assert.equal(cwmIdFromDestination([]), '');
  });
});

describe('isValidDeviceId', () => {
  test('accepts vendor-style ids of any length from 1 to 64', () => {
    for (const id of ['0102030405060708', '00000102030405060708', '000334d0b8df1f05', 'X', 'a'.repeat(64)]) {
      assert.equal(isValidDeviceId(id), true, id);
    }
  });

  test('accepts every printable ASCII character other than space, quote and backslash', () => {
    assert.equal(isValidDeviceId('!#$%&\'()*+,-./:;<=>?@[]^_`{|}~'), true);
  });

  test('refuses empty and over-long ids', () => {
    assert.equal(isValidDeviceId(''), false);
    assert.equal(isValidDeviceId('a'.repeat(65)), false);
  });

  test('refuses space, quote, backslash, control characters, DEL and non-ASCII', () => {
    for (const id of ['01 02', '"01"', 'a\\b', 'a\tb', 'a\nb', 'a\u0000', 'a\u007f', 'café', '中文', '😀']) {
      assert.equal(isValidDeviceId(id), false, JSON.stringify(id));
    }
  });
});
