import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildDownstreamOkm, type DownstreamOkmFields } from './downstream-okm.js';
import { computeCrc16, formatCrc16 } from './crc16.js';
import { verifyOkmCrc } from './okm-crc.js';
import { formatUtcTimestamp } from './okm-timestamp.js';
import type { JsonObject } from './upstream-okm.js';
import { createSeededRandom } from '../simulator/seeded-random.js';

// Characters that stress the encoder: accents, CJK, astral (surrogate pairs), JSON syntax, escapes,
// control characters and the separators JavaScript treats specially.
const CHAR_POOL = [
  'a', 'Z', '0', '9', '_', ' ', '-', 'é', 'ü', 'ß', 'Ω', '中', '文', '한', '😀', '🍟', '𝄞',
  '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f',
  '\u2028', '\u2029', '\ufeff', '{', '}', '[', ']', ',', ':', '%', '+', '&', '=',
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

function randomNumber(random: () => number): number {
  const kind = Math.floor(random() * 5);
  // `|| 0` turns -0 into 0: JSON has no negative zero, so it would not round-trip.
  if (kind === 0) return Math.floor((random() - 0.5) * 2_000_000) || 0;
  if (kind === 1) return (random() - 0.5) * 1e6 || 0;
  if (kind === 2) return random() * 1e-7;
  if (kind === 3) return 1e21 * (1 + random());
  return Math.floor(random() * 10);
}

function randomValue(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth >= 3 ? 5 : 7));
  if (kind === 0) return randomString(random, 12);
  if (kind === 1) return randomNumber(random);
  if (kind === 2) return random() < 0.5;
  if (kind === 3) return null;
  if (kind === 4) return randomString(random, 3);
  if (kind === 5) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  return randomObject(random, depth + 1);
}

function randomObject(random: () => number, depth: number): JsonObject {
  const object: JsonObject = {};
  const size = Math.floor(random() * 5);
  for (let i = 0; i < size; i++) {
    const key = random() < 0.15 ? pick(random, ['_crc', '_hbt', '_ping', '_pld', 'door']) : randomString(random, 6);
    object[key] = randomValue(random, depth);
  }
  return object;
}

function randomFields(random: () => number): DownstreamOkmFields {
  const ids = ['1122334455667788', '0002010203040506', '00000102030405060708', 'CWM-1', '000334d0b8df1f05'];
  return {
    destination: random() < 0.5 ? [pick(random, ids)] : [pick(random, ids), pick(random, ids)],
    cmd: random() < 0.5 ? 'wr' : 'rd',
    id: Math.floor(random() * 1_000_000),
    ts: formatUtcTimestamp(Math.floor(random() * 4e12)),
    payload: randomObject(random, 0),
  };
}

/** CRC of the text with the 4 digits after `"_crc":"` zeroed, computed here independently. */
function independentCrc(text: string): string {
  const slot = text.indexOf('"_crc":"') + '"_crc":"'.length;
  return formatCrc16(computeCrc16(new TextEncoder().encode(text.slice(0, slot) + '0000' + text.slice(slot + 4))));
}

describe('buildDownstreamOkm', () => {
  test('writes the exact compact text with key order _dst, _cmd, _id, _ts, _crc, _pld', () => {
    const text = buildDownstreamOkm({
      destination: ['1122334455667788', '0002010203040506'],
      cmd: 'wr',
      id: 7,
      ts: '2026-01-01T00:00:00Z',
      payload: { cmd: { relay: 1 } },
    });
    assert.equal(
      text,
      '{"_dst":["1122334455667788","0002010203040506"],"_cmd":"wr","_id":7,"_ts":"2026-01-01T00:00:00Z","_crc":"6932","_pld":{"cmd":{"relay":1}}}',
    );
    assert.equal(independentCrc(text), '6932');
  });

  test('builds a ping with an upper-case CRC that verifies', () => {
    const text = buildDownstreamOkm({ destination: ['0002010203040506'], cmd: 'rd', id: 4, ts: '2020-09-21T17:20:58Z', payload: { _ping: true } });
    assert.equal(text, '{"_dst":["0002010203040506"],"_cmd":"rd","_id":4,"_ts":"2020-09-21T17:20:58Z","_crc":"56E2","_pld":{"_ping":true}}');
    assert.deepEqual(verifyOkmCrc(text), { verdict: 'valid', received: '56E2', expected: '56E2' });
  });

  test('keeps the header order even when the payload has keys named like header fields', () => {
    const text = buildDownstreamOkm({ destination: ['A1'], cmd: 'wr', id: 1, ts: 't', payload: { _crc: 'FFFF', _dst: ['B2'] } });
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ['_dst', '_cmd', '_id', '_ts', '_crc', '_pld']);
    assert.ok(text.endsWith(',"_pld":{"_crc":"FFFF","_dst":["B2"]}}'), text);
    assert.equal(verifyOkmCrc(text).verdict, 'valid');
  });

  test('writes non-ASCII payload text as raw UTF-8 and escapes control characters', () => {
    const text = buildDownstreamOkm({ destination: ['A1'], cmd: 'wr', id: 2, ts: 't', payload: { msg: 'Crème 中 😀 "q" \\ \n\u0001' } });
    assert.ok(text.includes('"msg":"Crème 中 😀 \\"q\\" \\\\ \\n\\u0001"'), text);
    assert.equal(verifyOkmCrc(text).verdict, 'valid');
    assert.equal(independentCrc(text), verifyOkmCrc(text).expected);
  });

  test('parses back to the same fields for 2000 random payloads, with a valid CRC every time', () => {
    const random = createSeededRandom(0x5eed).next;
    for (let i = 0; i < 2000; i++) {
      const fields = randomFields(random);
      const text = buildDownstreamOkm(fields);
      const check = verifyOkmCrc(text);
      assert.equal(check.verdict, 'valid', `case ${i}: ${text}`);
      assert.match(check.expected ?? '', /^[0-9A-F]{4}$/);
      assert.equal(independentCrc(text), check.expected, `case ${i}`);
      const parsed = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(parsed), ['_dst', '_cmd', '_id', '_ts', '_crc', '_pld']);
      assert.deepEqual(parsed, {
        _dst: fields.destination,
        _cmd: fields.cmd,
        _id: fields.id,
        _ts: fields.ts,
        _crc: check.expected,
        _pld: fields.payload,
      });
    }
  });

  test('detects a change of any one payload character in at least 99% of 1500 random cases, and every single-byte change', () => {
    const random = createSeededRandom(0xc0ffee).next;
    const utf8 = new TextEncoder();
    let trials = 0;
    let detected = 0;
    for (let i = 0; i < 1500; i++) {
      const text = buildDownstreamOkm(randomFields(random));
      const start = text.indexOf(',"_pld":') + ',"_pld":'.length;
      // Retry until the change leaves valid JSON (the CRC is only defined on JSON text).
      for (let attempt = 0; attempt < 50; attempt++) {
        const at = start + Math.floor(random() * (text.length - 1 - start));
        const original = text.charCodeAt(at);
        if (original >= 0xd800 && original <= 0xdfff) continue; // do not split a surrogate pair
        const replacement = pick(random, CHAR_POOL);
        if (replacement === text[at]) continue;
        const changed = text.slice(0, at) + replacement + text.slice(at + 1);
        try {
          JSON.parse(changed);
        } catch {
          continue;
        }
        const verdict = verifyOkmCrc(changed).verdict;
        trials++;
        if (verdict === 'mismatch') detected++;
        const isSingleByteChange = utf8.encode(replacement).length === 1 && original < 0x80;
        if (isSingleByteChange) assert.equal(verdict, 'mismatch', `an 8-bit burst must always be detected: ${changed}`);
        break;
      }
    }
    assert.ok(trials >= 1000, `only ${trials} usable changes`);
    assert.ok(detected / trials >= 0.99, `detected ${detected} of ${trials}`);
  });
});
