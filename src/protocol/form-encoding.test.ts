import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError } from '../errors.js';
import { decodeFormComponent, decodeFormComponentVariants, splitEncodedParams } from './form-encoding.js';

function assertEncodingError(run: () => unknown): void {
  assert.throws(run, (error: unknown) => isOpenTpsError(error, 'ERR_REQUEST_ENCODING') && error.status === 400);
}

describe('decodeFormComponent', () => {
  test('decodes percent escapes, including multi-byte UTF-8 sequences', () => {
    assert.equal(decodeFormComponent('%7B%22okm%22%3A1%7D', false), '{"okm":1}');
    assert.equal(decodeFormComponent('caf%C3%A9%20%E4%B8%AD%F0%9F%98%80', false), 'café 中😀');
    assert.equal(decodeFormComponent('%7b%22a%22%7d', true), '{"a"}');
  });

  test('turns + into a space only in the form reading', () => {
    assert.equal(decodeFormComponent('a+b%2Bc', true), 'a b+c');
    assert.equal(decodeFormComponent('a+b%2Bc', false), 'a+b+c');
  });

  test('passes unescaped raw text through unchanged', () => {
    assert.equal(decodeFormComponent('{"devid":"X","lokm":true}', false), '{"devid":"X","lokm":true}');
    assert.equal(decodeFormComponent('', true), '');
  });

  test('refuses a % not followed by two hex digits', () => {
    assertEncodingError(() => decodeFormComponent('%zz', true));
    assertEncodingError(() => decodeFormComponent('abc%', false));
    assertEncodingError(() => decodeFormComponent('abc%4', false));
    assertEncodingError(() => decodeFormComponent('%G1', false));
    assertEncodingError(() => decodeFormComponent('100%', true));
  });

  test('refuses escapes that do not form valid UTF-8', () => {
    assertEncodingError(() => decodeFormComponent('%E9', false));
    assertEncodingError(() => decodeFormComponent('caf%E9', true));
    assertEncodingError(() => decodeFormComponent('%C3', false));
    assertEncodingError(() => decodeFormComponent('%FF%FE', false));
    assertEncodingError(() => decodeFormComponent('%ED%A0%80', false));
  });

  test('names the failure in the error message and keeps the cause for bad UTF-8', () => {
    try {
      decodeFormComponent('%E9', false);
      assert.fail('expected a throw');
    } catch (error) {
      assert.ok(isOpenTpsError(error, 'ERR_REQUEST_ENCODING'));
      assert.match(error.message, /valid UTF-8/);
      assert.ok(error.cause instanceof URIError);
    }
    try {
      decodeFormComponent('%zz', false);
      assert.fail('expected a throw');
    } catch (error) {
      assert.ok(isOpenTpsError(error, 'ERR_REQUEST_ENCODING'));
      assert.match(error.message, /two hex digits/);
    }
  });
});

describe('decodeFormComponentVariants', () => {
  test('gives one reading when there is no +', () => {
    assert.deepEqual(decodeFormComponentVariants('%7B%22a%22%3A1%7D'), ['{"a":1}']);
    assert.deepEqual(decodeFormComponentVariants('a%20b%2Bc'), ['a b+c']);
  });

  test('gives the form reading first, then the percent-only reading, when + is present', () => {
    assert.deepEqual(decodeFormComponentVariants('%7B%22ts%22%3A%222020-09-16T12%3A13%3A47+02%3A00%22%7D'), [
      '{"ts":"2020-09-16T12:13:47 02:00"}',
      '{"ts":"2020-09-16T12:13:47+02:00"}',
    ]);
  });

  test('throws ERR_REQUEST_ENCODING for a bad escape in either reading', () => {
    assertEncodingError(() => decodeFormComponentVariants('a+b%zz'));
    assertEncodingError(() => decodeFormComponentVariants('a+%E9'));
  });
});

describe('splitEncodedParams', () => {
  test('splits names from values and keeps values percent-encoded', () => {
    const params = splitEncodedParams('sha256hmac=ABCD&req=%7B%22a%22%3A1%7D');
    assert.deepEqual([...params.entries()], [
      ['sha256hmac', ['ABCD']],
      ['req', ['%7B%22a%22%3A1%7D']],
    ]);
  });

  test('collects repeated parameters in the order they appear', () => {
    const params = splitEncodedParams('req=first&x=1&req=second&req=third');
    assert.deepEqual(params.get('req'), ['first', 'second', 'third']);
    assert.deepEqual(params.get('x'), ['1']);
  });

  test('decodes names with the form rule, + included', () => {
    const params = splitEncodedParams('my+name=v&%72eq=w');
    assert.deepEqual([...params.keys()], ['my name', 'req']);
    assert.deepEqual(params.get('req'), ['w']);
  });

  test('keeps everything after the first = in the value, and a missing = gives an empty value', () => {
    const params = splitEncodedParams('a=b=c&flag&empty=');
    assert.deepEqual(params.get('a'), ['b=c']);
    assert.deepEqual(params.get('flag'), ['']);
    assert.deepEqual(params.get('empty'), ['']);
  });

  test('keeps + in values so both readings stay available', () => {
    assert.deepEqual(splitEncodedParams('req=a+b').get('req'), ['a+b']);
  });

  test('ignores empty pairs and returns nothing for empty text', () => {
    assert.equal(splitEncodedParams('').size, 0);
    assert.deepEqual([...splitEncodedParams('&&a=1&&').entries()], [['a', ['1']]]);
  });

  test('throws ERR_REQUEST_ENCODING for a badly encoded name but not for a badly encoded value', () => {
    assertEncodingError(() => splitEncodedParams('re%zzq=1'));
    assert.deepEqual(splitEncodedParams('req=%zz').get('req'), ['%zz']);
  });
});
