import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError, type ErrorCode } from '../errors.js';
import { decodePushRequest, parseReqJson } from './push-request.js';
import { decodeFormComponentVariants } from './form-encoding.js';
import { sealOkmCrc } from './okm-crc.js';
import { signRequest, verifyRequestSignature } from './request-signature.js';
import type { JsonObject } from './upstream-okm.js';
import { createSeededRandom } from '../simulator/seeded-random.js';

const GOLDEN =
  '{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_ts":"2019-12-26T14:40:00","_crc":"8813","_pld":{"_hbt":{"door":56}}}';
const LIMIT = 8192;

function assertCode(run: () => unknown, code: ErrorCode, status = 400): void {
  assert.throws(run, (error: unknown) => isOpenTpsError(error, code) && error.status === status);
}

function reqWith(okmText: string): string {
  return `{"okm":${okmText},"ts":"2020-09-16T12:13:47"}`;
}

describe('decodePushRequest', () => {
  test('decodes the vendor example, keeping the OKM text byte for byte', () => {
    const reqText = reqWith(GOLDEN);
    const push = decodePushRequest(reqText, LIMIT);
    assert.equal(push.reqText, reqText);
    assert.equal(push.okm.text, GOLDEN);
    assert.equal(push.okm.cwmId, '0102030405060708');
    assert.equal(push.okm.id, 192);
    assert.deepEqual(push.okm.crc, { verdict: 'valid', received: '8813', expected: '8813' });
    assert.equal(push.requestTs, '2020-09-16T12:13:47');
    assert.deepEqual(push.envelope, { ts: '2020-09-16T12:13:47' });
  });

  test('takes the CWM id from _src[1] when the OKM names its OKE and CWM', () => {
    const okm = sealOkmCrc('{"_src":["036334d0b8df1f05","0002010203040506"],"_cmd":"wr","_id":1,"_crc":"0000","_pld":{}}');
    const push = decodePushRequest(reqWith(okm), LIMIT);
    assert.equal(push.okm.cwmId, '0002010203040506');
    assert.equal(push.okm.originId, '036334d0b8df1f05');
    assert.equal(push.okm.crc.verdict, 'valid');
  });

  test('cuts out the OKM with its own spacing intact, so its CRC still verifies', () => {
    const okm = sealOkmCrc('{ "_src" : [ "0102030405060708" ] ,\n "_crc" : "0000" , "_pld" : { "_hbt" : { "door" : 56 } } }');
    const reqText = `{\n  "ts" : "2020-09-16T12:13:47" ,\n  "okm" :   ${okm}  \n}`;
    const push = decodePushRequest(reqText, LIMIT);
    assert.equal(push.okm.text, okm);
    assert.equal(push.okm.crc.verdict, 'valid');
  });

  test('keeps every envelope member other than okm, including gwmac and unknown ones', () => {
    const push = decodePushRequest(`{"gwmac":"88665a4a92c3","okm":${GOLDEN},"ts":"2020-09-16T12:13:47","n":[1,{"a":null}]}`, LIMIT);
    assert.deepEqual(push.envelope, { gwmac: '88665a4a92c3', ts: '2020-09-16T12:13:47', n: [1, { a: null }] });
    assert.equal(Object.hasOwn(push.envelope, 'okm'), false);
  });

  test('keeps an envelope member named __proto__ as data instead of turning it into the prototype', () => {
    const push = decodePushRequest(`{"okm":${GOLDEN},"__proto__":{"polluted":true}}`, LIMIT);
    assert.deepEqual(Object.keys(push.envelope), ['__proto__']);
    assert.equal(JSON.stringify(push.envelope), '{"__proto__":{"polluted":true}}');
    assert.equal(Object.getPrototypeOf(push.envelope), Object.prototype);
  });

  test('gives a null request time when ts is absent or not a string', () => {
    assert.equal(decodePushRequest(`{"okm":${GOLDEN}}`, LIMIT).requestTs, null);
    assert.equal(decodePushRequest(`{"okm":${GOLDEN},"ts":1600258427}`, LIMIT).requestTs, null);
  });

  test('refuses two okm members instead of taking the last, as JSON.parse would (ERR_OKM_DUPLICATE_KEY)', () => {
    const second = GOLDEN.replace('"_id":192', '"_id":193');
    assertCode(() => decodePushRequest(`{"okm":${GOLDEN},"okm":${second}}`, LIMIT), 'ERR_OKM_DUPLICATE_KEY');
  });

  test('does not take an okm that is only nested deeper in req', () => {
    assertCode(() => decodePushRequest(`{"data":{"okm":${GOLDEN}},"ts":"t"}`, LIMIT), 'ERR_REQUEST_MISSING_OKM');
  });

  test('refuses text that is not JSON with ERR_REQUEST_NOT_JSON', () => {
    for (const text of ['', 'req=1', `{"okm":${GOLDEN}`, `{"okm":${GOLDEN},}`, "{'okm':{}}"]) {
      assertCode(() => decodePushRequest(text, LIMIT), 'ERR_REQUEST_NOT_JSON');
    }
  });

  test('refuses JSON that is not an object with ERR_REQUEST_NOT_OBJECT', () => {
    for (const text of ['[]', `[${GOLDEN}]`, '"okm"', '0', 'null']) {
      assertCode(() => decodePushRequest(text, LIMIT), 'ERR_REQUEST_NOT_OBJECT');
    }
  });

  test('refuses a req without okm with ERR_REQUEST_MISSING_OKM', () => {
    assertCode(() => decodePushRequest('{"ts":"2020-09-16T12:13:47"}', LIMIT), 'ERR_REQUEST_MISSING_OKM');
    assertCode(() => decodePushRequest('{}', LIMIT), 'ERR_REQUEST_MISSING_OKM');
    assertCode(() => decodePushRequest(`{"OKM":${GOLDEN}}`, LIMIT), 'ERR_REQUEST_MISSING_OKM');
  });

  test('refuses an okm that is not an object with ERR_OKM_NOT_OBJECT', () => {
    for (const okm of ['null', '[]', `"${GOLDEN.replace(/"/g, '\\"')}"`, '42']) {
      assertCode(() => decodePushRequest(reqWith(okm), LIMIT), 'ERR_OKM_NOT_OBJECT');
    }
  });

  test('refuses an OKM without _src with ERR_OKM_MISSING_SOURCE', () => {
    assertCode(() => decodePushRequest(reqWith('{"_cmd":"wr","_id":1,"_pld":{}}'), LIMIT), 'ERR_OKM_MISSING_SOURCE');
  });

  test('refuses a bad _src with ERR_OKM_BAD_SOURCE', () => {
    for (const source of ['"0102030405060708"', '[]', '[42]', '["A1","B2","C3"]', '["01 02"]']) {
      const okm = GOLDEN.replace('["0102030405060708"]', source);
      assertCode(() => decodePushRequest(reqWith(okm), LIMIT), 'ERR_OKM_BAD_SOURCE');
    }
  });

  test('refuses wrongly typed header fields with ERR_OKM_FIELD_TYPE', () => {
    for (const [from, to] of [
      ['"_id":192', '"_id":1.5'],
      ['"_id":192', '"_id":-1'],
      ['"_id":192', '"_id":"3"'],
      ['"_pld":{"_hbt":{"door":56}}', '"_pld":[{"_hbt":{"door":56}}]'],
      ['"_cmd":"wr"', '"_cmd":1'],
      ['"_ts":"2019-12-26T14:40:00"', '"_ts":1577371200'],
    ] as const) {
      assertCode(() => decodePushRequest(reqWith(GOLDEN.replace(from, to)), LIMIT), 'ERR_OKM_FIELD_TYPE');
    }
  });

  test('counts the OKM limit in UTF-8 bytes: a multi-byte OKM exactly at the limit passes, one byte over fails', () => {
    for (const char of ['é', '中', '😀']) {
      const okm = sealOkmCrc(`{"_src":["A1"],"_crc":"0000","_pld":{"text":"${char.repeat(300)}"}}`);
      const bytes = new TextEncoder().encode(okm).length;
      assert.ok(bytes > okm.length, 'the OKM must be longer in bytes than in UTF-16 units');
      const push = decodePushRequest(reqWith(okm), bytes);
      assert.equal(push.okm.text, okm);
      assert.equal(push.okm.crc.verdict, 'valid');
      assertCode(() => decodePushRequest(reqWith(okm), bytes - 1), 'ERR_OKM_TOO_LARGE', 413);
    }
  });

  test('counts only the OKM against the limit, not the rest of req', () => {
    const bytes = new TextEncoder().encode(GOLDEN).length;
    const push = decodePushRequest(`{"okm":${GOLDEN},"ts":"${'x'.repeat(10_000)}"}`, bytes);
    assert.equal(push.okm.text, GOLDEN);
  });

  test('checks the size before the OKM fields, naming the limit', () => {
    const oversized = `{"_id":"not a number","_pld":{"t":"${'a'.repeat(100)}"}}`;
    assert.throws(
      () => decodePushRequest(reqWith(oversized), 50),
      (error: unknown) => isOpenTpsError(error, 'ERR_OKM_TOO_LARGE') && error.message.endsWith('limit is 50 bytes'),
    );
  });
});

describe('decodePushRequest and member names given twice', () => {
  const CWM2 = '0002000000000002';
  const CWM10 = '0002000000000010';
  const refusedAt = (reqText: string, detail: string): void => {
    assert.throws(
      () => decodePushRequest(reqText, LIMIT),
      (error: unknown) => isOpenTpsError(error, 'ERR_OKM_DUPLICATE_KEY') && error.status === 400 && error.message.endsWith(`: ${detail}`),
    );
  };

  test('refuses an OKM with two _src (the last names the signing CWM, the first another) with ERR_OKM_DUPLICATE_KEY', () => {
    const okm = sealOkmCrc(`{"_src":["036334d0b8df1f05","${CWM2}"],"_src":["036334d0b8df1f05","${CWM10}"],"_cmd":"wr","_id":1,"_crc":"0000","_pld":{}}`);
    refusedAt(reqWith(okm), '"_src" appears twice in req.okm');
  });

  test('refuses a _src spelled with an escape the second time, since it is the same name once unescaped', () => {
    const okm = `{"_src":["${CWM2}"],"\\u005fsrc":["${CWM10}"],"_cmd":"wr","_id":1,"_pld":{}}`;
    assert.equal((JSON.parse(okm) as { _src: string[] })._src[0], CWM10, 'JSON.parse reads the escaped name as _src');
    refusedAt(reqWith(okm), '"_src" appears twice in req.okm');
  });

  test('refuses a name given twice at the top level of req, deep in _pld, or in an object of an array', () => {
    refusedAt(`{"okm":${GOLDEN},"okm":${GOLDEN}}`, '"okm" appears twice in req');
    refusedAt(`{"okm":${GOLDEN},"ts":"a","ts":"b"}`, '"ts" appears twice in req');
    refusedAt(reqWith(GOLDEN.replace('{"door":56}', '{"door":56,"temp":{"a":[{"c":1},{"c":2,"c":3}]}}')), '"c" appears twice in req.okm._pld._hbt.temp.a[1]');
    refusedAt(reqWith(GOLDEN.replace('"_id":192', '"_id":192,"_id":193')), '"_id" appears twice in req.okm');
  });

  test('accepts near-duplicate names and the same name in sibling objects', () => {
    const okm = sealOkmCrc('{"_src":["0102030405060708"],"_cmd":"wr","_id":2,"_crc":"0000","_pld":{"a":1,"A":2,"a ":3,"x":{"a":4},"y":[{"a":5},{"a":6}]}}');
    const push = decodePushRequest(reqWith(okm), LIMIT);
    assert.equal(push.okm.text, okm);
    assert.deepEqual(push.okm.payload, { a: 1, A: 2, 'a ': 3, x: { a: 4 }, y: [{ a: 5 }, { a: 6 }] });
  });
});

describe('parseReqJson', () => {
  test('returns the parsed object', () => {
    assert.deepEqual(parseReqJson('{"a":[1,"b"]}'), { a: [1, 'b'] });
  });

  test('keeps the JSON.parse failure as the cause of ERR_REQUEST_NOT_JSON', () => {
    try {
      parseReqJson('{');
      assert.fail('expected a throw');
    } catch (error) {
      assert.ok(isOpenTpsError(error, 'ERR_REQUEST_NOT_JSON'));
      assert.ok(error.cause instanceof SyntaxError);
    }
  });
});

// ---- property test: random OKMs embedded in random req texts ----

const CHAR_POOL = [
  'a', 'Z', '7', '_', ' ', 'é', 'ñ', '中', '文', '😀', '𝄞', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f',
  '\u2028', '{', '}', '[', ']', ',', ':', '%', '+', '&',
] as const;

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

function randomString(random: () => number, maxLength: number): string {
  let text = '';
  const length = Math.floor(random() * (maxLength + 1));
  for (let i = 0; i < length; i++) text += pick(random, CHAR_POOL);
  return text;
}

function randomValue(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth >= 3 ? 4 : 6));
  if (kind === 0) return randomString(random, 10);
  if (kind === 1) return Math.floor((random() - 0.5) * 1e6) || 0;
  if (kind === 2) return random() < 0.5;
  if (kind === 3) return random() < 0.5 ? null : (random() - 0.5) * 1e3 || 0;
  if (kind === 4) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  return randomObject(random, depth + 1);
}

function randomObject(random: () => number, depth: number): JsonObject {
  const object: JsonObject = {};
  const size = Math.floor(random() * 5);
  for (let i = 0; i < size; i++) {
    const key = random() < 0.15 ? pick(random, ['_crc', 'okm', '_src', 'ts']) : randomString(random, 6);
    object[key] = randomValue(random, depth);
  }
  return object;
}

function randomSpace(random: () => number): string {
  let space = '';
  const length = Math.floor(random() * 3);
  for (let i = 0; i < length; i++) space += pick(random, [' ', '\t', '\n', '\r']);
  return space;
}

function shuffle<T>(random: () => number, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) throw new RangeError('index out of range');
    items[i] = b;
    items[j] = a;
  }
  return items;
}

/** An object text with the members in the given order and random whitespace around every token. */
function objectText(random: () => number, members: Array<[string, string]>): string {
  const parts = members.map(([key, value]) => `${randomSpace(random)}${JSON.stringify(key)}${randomSpace(random)}:${randomSpace(random)}${value}${randomSpace(random)}`);
  return `{${parts.join(',')}${parts.length === 0 ? randomSpace(random) : ''}}`;
}

describe('decodePushRequest on random input', () => {
  test('returns the embedded OKM text byte for byte, with a valid CRC, for 1000 random OKMs and spacings', () => {
    const random = createSeededRandom(0xdecade).next;
    for (let i = 0; i < 1000; i++) {
      const payload = randomObject(random, 0);
      const source = random() < 0.5 ? ['036334d0b8df1f05', '0002010203040506'] : ['0102030405060708'];
      const okmMembers: Array<[string, string]> = shuffle(random, [
        ['_src', JSON.stringify(source)],
        ['_cmd', '"wr"'],
        ['_id', String(Math.floor(random() * 100_000))],
        ['_ts', '"2020-09-16T12:13:47"'],
        ['_crc', '"0000"'],
        ['_pld', JSON.stringify(payload, null, random() < 0.3 ? 2 : undefined)],
      ]);
      const okm = sealOkmCrc(objectText(random, okmMembers));
      const envelopeMembers: Array<[string, string]> = [['okm', okm], ['ts', '"2020-09-16T12:13:47"']];
      if (random() < 0.5) envelopeMembers.push(['gwmac', '"88665a4a92c3"']);
      const reqText = `${randomSpace(random)}${objectText(random, shuffle(random, envelopeMembers))}${randomSpace(random)}`;

      // The request survives URL encoding and decoding unchanged, so its HMAC still verifies.
      const [decoded] = decodeFormComponentVariants(encodeURIComponent(reqText));
      assert.equal(decoded, reqText);
      assert.equal(verifyRequestSignature(reqText, signRequest(reqText, 'device key 0001'), 'device key 0001'), true);

      const push = decodePushRequest(reqText, 1_000_000);
      assert.equal(push.okm.text, okm, `case ${i}`);
      assert.equal(push.okm.crc.verdict, 'valid', `case ${i}: ${okm}`);
      assert.deepEqual(push.okm.payload, payload);
      assert.deepEqual(push.okm.source, source);
      assert.equal(push.okm.cwmId, source[source.length - 1]);
      assert.equal(push.requestTs, '2020-09-16T12:13:47');
      assert.equal(Object.hasOwn(push.envelope, 'okm'), false);
      assert.equal(push.envelope['gwmac'] === undefined, envelopeMembers.length === 2);
    }
  });
});
