import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError, type ErrorCode } from '../errors.js';
import { decodeUpstreamOkm, describeJson, isJsonObject } from './upstream-okm.js';

const GOLDEN =
  '{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_ts":"2019-12-26T14:40:00","_crc":"8813","_pld":{"_hbt":{"door":56}}}';

function decodeText(text: string): ReturnType<typeof decodeUpstreamOkm> {
  return decodeUpstreamOkm(text, JSON.parse(text));
}

function assertCode(run: () => unknown, code: ErrorCode, status = 400): void {
  assert.throws(run, (error: unknown) => isOpenTpsError(error, code) && error.status === status);
}

/** The golden OKM with one member's value text replaced. */
function goldenWith(key: string, valueText: string): string {
  const value = JSON.parse(GOLDEN) as Record<string, unknown>;
  const parts = Object.keys(value).map((k) => `${JSON.stringify(k)}:${k === key ? valueText : JSON.stringify(value[k])}`);
  return `{${parts.join(',')}}`;
}

describe('decodeUpstreamOkm', () => {
  test('decodes the vendor golden vector into typed fields', () => {
    const okm = decodeText(GOLDEN);
    assert.equal(okm.text, GOLDEN);
    assert.deepEqual(okm.source, ['0102030405060708']);
    assert.equal(okm.cwmId, '0102030405060708');
    assert.equal(okm.originId, '0102030405060708');
    assert.equal(okm.cmd, 'wr');
    assert.equal(okm.id, 192);
    assert.equal(okm.ts, '2019-12-26T14:40:00');
    assert.deepEqual(okm.crc, { verdict: 'valid', received: '8813', expected: '8813' });
    assert.deepEqual(okm.payload, { _hbt: { door: 56 } });
  });

  test('takes the CWM from _src[1] and the origin from _src[0] when both are present', () => {
    const okm = decodeText('{"_src":["036334d0b8df1f05","0002010203040506"],"_pld":{}}');
    assert.equal(okm.cwmId, '0002010203040506');
    assert.equal(okm.originId, '036334d0b8df1f05');
  });

  test('gives null for optional header fields that are absent', () => {
    const okm = decodeText('{"_src":["A1"]}');
    assert.equal(okm.cmd, null);
    assert.equal(okm.id, null);
    assert.equal(okm.ts, null);
    assert.equal(okm.payload, null);
    assert.deepEqual(okm.crc, { verdict: 'missing', received: null, expected: null });
  });

  test('flags a wrong CRC instead of refusing the OKM', () => {
    const okm = decodeText(GOLDEN.replace('"door":56', '"door":55'));
    assert.equal(okm.crc.verdict, 'mismatch');
    assert.equal(okm.crc.received, '8813');
    assert.deepEqual(okm.payload, { _hbt: { door: 55 } });
  });

  test('accepts _id 0 and the largest safe integer', () => {
    assert.equal(decodeText(goldenWith('_id', '0')).id, 0);
    assert.equal(decodeText(goldenWith('_id', String(Number.MAX_SAFE_INTEGER))).id, Number.MAX_SAFE_INTEGER);
  });

  test('accepts a _cmd other than wr or rd, since only the type is checked', () => {
    assert.equal(decodeText(goldenWith('_cmd', '"xx"')).cmd, 'xx');
  });

  test('refuses an OKM that is not an object with ERR_OKM_NOT_OBJECT', () => {
    for (const value of [null, [], ['_src'], 'okm', 42, true]) {
      assertCode(() => decodeUpstreamOkm(JSON.stringify(value), value), 'ERR_OKM_NOT_OBJECT');
    }
  });

  test('refuses an OKM without _src with ERR_OKM_MISSING_SOURCE', () => {
    assertCode(() => decodeText('{"_cmd":"wr","_id":1,"_pld":{}}'), 'ERR_OKM_MISSING_SOURCE');
    assertCode(() => decodeText('{"_dst":["0102030405060708"],"_pld":{}}'), 'ERR_OKM_MISSING_SOURCE');
  });

  test('refuses a _src that is not one or two valid device id strings with ERR_OKM_BAD_SOURCE', () => {
    for (const source of [
      '"0102030405060708"',
      '{"0":"0102030405060708"}',
      'null',
      '[]',
      '[1]',
      '["A1",2]',
      '[["A1"]]',
      '["A1","B2","C3"]',
      '["01 02"]',
      '[""]',
      '["A1",""]',
      `["${'a'.repeat(65)}"]`,
      '["café"]',
    ]) {
      assertCode(() => decodeText(goldenWith('_src', source)), 'ERR_OKM_BAD_SOURCE');
    }
  });

  test('names what _src was in the ERR_OKM_BAD_SOURCE message', () => {
    assert.throws(
      () => decodeText(goldenWith('_src', '["A1","B2","C3"]')),
      (error: unknown) => isOpenTpsError(error, 'ERR_OKM_BAD_SOURCE') && error.message.endsWith('got ["A1","B2","C3"]'),
    );
  });

  test('refuses an _id that is not a non-negative safe integer with ERR_OKM_FIELD_TYPE', () => {
    for (const id of ['1.5', '-1', '"3"', 'null', 'true', '[3]', '9007199254740992', '1e300']) {
      assertCode(() => decodeText(goldenWith('_id', id)), 'ERR_OKM_FIELD_TYPE');
    }
    assert.throws(
      () => decodeText(goldenWith('_id', '1.5')),
      (error: unknown) => isOpenTpsError(error, 'ERR_OKM_FIELD_TYPE') && error.message.endsWith('"_id" must be a non-negative integer, got 1.5'),
    );
  });

  test('refuses a _cmd or _ts that is not a string with ERR_OKM_FIELD_TYPE', () => {
    for (const cmd of ['1', 'null', '["wr"]', '{}']) assertCode(() => decodeText(goldenWith('_cmd', cmd)), 'ERR_OKM_FIELD_TYPE');
    for (const ts of ['1577371200', 'null', 'false']) assertCode(() => decodeText(goldenWith('_ts', ts)), 'ERR_OKM_FIELD_TYPE');
  });

  test('refuses a _pld that is not an object with ERR_OKM_FIELD_TYPE', () => {
    for (const payload of ['[]', '[{"_hbt":{}}]', 'null', '"x"', '0']) {
      assertCode(() => decodeText(goldenWith('_pld', payload)), 'ERR_OKM_FIELD_TYPE');
    }
    assert.throws(
      () => decodeText(goldenWith('_pld', '[1,2]')),
      (error: unknown) => isOpenTpsError(error, 'ERR_OKM_FIELD_TYPE') && error.message.endsWith('"_pld" must be an object, got [1,2]'),
    );
  });
});

describe('isJsonObject', () => {
  test('is true only for plain objects', () => {
    assert.equal(isJsonObject({}), true);
    assert.equal(isJsonObject({ a: 1 }), true);
    for (const value of [null, undefined, [], 'x', 1, true]) assert.equal(isJsonObject(value), false);
  });
});

describe('describeJson', () => {
  test('renders short values as JSON', () => {
    assert.equal(describeJson([1, 'a']), '[1,"a"]');
    assert.equal(describeJson('x'), '"x"');
    assert.equal(describeJson(null), 'null');
  });

  test('renders undefined, which has no JSON form, as text', () => {
    assert.equal(describeJson(undefined), 'undefined');
  });

  test('cuts long values to 60 characters ending in an ellipsis', () => {
    const text = describeJson('a'.repeat(100));
    assert.equal(text.length, 60);
    assert.equal(text, `"${'a'.repeat(56)}...`);
    assert.equal(describeJson('a'.repeat(58)), `"${'a'.repeat(58)}"`);
  });
});
