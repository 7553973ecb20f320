import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDuplicateMember, findDuplicateMember } from './json-duplicate-members.js';

/** Every case is valid JSON: the detector's precondition. */
function find(text: string): ReturnType<typeof findDuplicateMember> {
  JSON.parse(text);
  return findDuplicateMember(text);
}

test('a text whose objects all have distinct names has no duplicate', () => {
  for (const text of ['{}', '[]', '"text"', '42', 'null', '{"a":1,"b":2}', ' { "a" : [ 1 , { "b" : 2 } ] } ', '[[[]],{},[{}]]']) {
    assert.equal(find(text), null, text);
  }
});

test('a name given twice at the top level is found, with the root as its place', () => {
  assert.deepEqual(find('{"_src":["a","2"],"_src":["a","10"]}'), { name: '_src', path: '' });
});

test('a name given twice in a nested object is found with the path to that object', () => {
  assert.deepEqual(find('{"okm":{"_src":["1"],"_pld":{"_hbt":{"door":1,"temp":2,"door":3}}}}'), { name: 'door', path: '.okm._pld._hbt' });
});

test('the path counts array positions, so the report names the very object', () => {
  assert.deepEqual(find('{"list":[{"a":1},{"b":1},{"c":1,"c":2}]}'), { name: 'c', path: '.list[2]' });
  assert.deepEqual(find('[[{"x":1}],[{"y":1,"y":2}]]'), { name: 'y', path: '[1][0]' });
});

test('path steps that are not identifiers are written as quoted names', () => {
  assert.deepEqual(find('{"a b":{"q\\"":{"z":1,"z":2}}}'), { name: 'z', path: '["a b"]["q\\""]' });
});

test('the same name in sibling objects, or in each object of an array, is no duplicate', () => {
  assert.equal(find('{"a":{"x":1},"b":{"x":2},"c":{"x":{"x":3}}}'), null);
  assert.equal(find('[{"a":1,"b":2},{"a":3,"b":4},{"a":5}]'), null);
  assert.equal(find('{"a":{"b":1},"c":[{"a":1},{"a":2}]}'), null);
});

test('a name is compared within its own object only, across a nested value between the two', () => {
  assert.deepEqual(find('{"a":{"a":{"a":1}},"b":[{"a":2}],"a":3}'), { name: 'a', path: '' });
});

test('names are compared after unescaping: \\u005f is "_", and "\\/" is "/"', () => {
  assert.deepEqual(find('{"_src":["2"],"\\u005fsrc":["10"]}'), { name: '_src', path: '' });
  assert.deepEqual(find('{"\\u005Fsrc":1,"\\u005fsrc":2}'), { name: '_src', path: '' });
  assert.deepEqual(find('{"a/b":1,"a\\/b":2}'), { name: 'a/b', path: '' });
  assert.deepEqual(find('{"q\\"":1,"q\\u0022":2}'), { name: 'q"', path: '' });
});

test('a name equal to another only once a surrogate pair is unescaped is a duplicate', () => {
  const emoji = '\u{1F600}';
  assert.deepEqual(find(`{"${emoji}":1,"\\ud83d\\ude00":2}`), { name: emoji, path: '' });
  assert.deepEqual(find('{"\\uD83D\\uDE00":1,"\\ud83d\\ude00":2}'), { name: emoji, path: '' });
  // A lone surrogate, escaped with either case of hex digits, is still one and the same name to JSON.parse.
  assert.deepEqual(find('{"\\ud800":1,"\\uD800":2}'), { name: '\ud800', path: '' });
});

test('near-duplicates are different names: case, a trailing space, an escaped space, another character', () => {
  for (const text of [
    '{"a":1,"A":2}',
    '{"a":1,"a ":2}',
    '{"a":1,"\\u0061\\u0020":2}',
    '{"ab":1,"ba":2}',
    '{"\\u00e9":1,"e\\u0301":2}',
    '{"\\ud83d\\ude00":1,"\\ud83d\\ude01":2}',
    '{"":1,"\\u0000":2}',
  ]) {
    assert.equal(find(text), null, text);
  }
});

test('the empty name can be a duplicate too', () => {
  assert.deepEqual(find('{"":1,"x":2,"":3}'), { name: '', path: '' });
});

test('string values equal to names, and strings with braces, commas and escaped quotes, do not confuse the scan', () => {
  assert.equal(find('{"a":"a","b":"{\\"a\\":1,\\"a\\":2}","c":"[,]","d":"\\\\"}'), null);
  assert.deepEqual(find('{"a":"\\\\","b":"}","a":1}'), { name: 'a', path: '' });
});

test('objects larger than a few members are checked as well, whichever position repeats', () => {
  const members = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
  assert.equal(find(`{${members.join(',')}}`), null);
  assert.deepEqual(find(`{${members.join(',')},"k3":0}`), { name: 'k3', path: '' });
  assert.deepEqual(find(`{${members.join(',')},"k39":0}`), { name: 'k39', path: '' });
  assert.deepEqual(find(`{${members.slice(0, 9).join(',')},"k8":0}`), { name: 'k8', path: '' });
  assert.deepEqual(find(`{${members.join(',')},"\\u006b12":0}`), { name: 'k12', path: '' });
  assert.deepEqual(find(`{"big":{${members.join(',')}},"x":{"k1":1,"k1":2}}`), { name: 'k1', path: '.x' });
});

test('a large object closing does not leave its names behind for the next object at its depth', () => {
  const members = Array.from({ length: 12 }, (_, i) => `"k${i}":${i}`).join(',');
  assert.equal(find(`[{${members}},{${members}},{"k0":1}]`), null);
  assert.equal(find(`{"a":{${members}},"b":{${members}}}`), null);
});

test('deep nesting is scanned without recursion', () => {
  const depth = 5000;
  const text = `${'{"a":'.repeat(depth)}{"b":1,"b":2}${'}'.repeat(depth)}`;
  const found = findDuplicateMember(text);
  assert.equal(found?.name, 'b');
  assert.equal(found?.path, '.a'.repeat(depth));
});

test('text that is not JSON gives an answer without hanging or throwing', () => {
  for (const text of ['{"a', '{"a":"\\', '}}]]', '{"a":1,"a', '"']) assert.doesNotThrow(() => findDuplicateMember(text), text);
});

test('the description quotes the name and names the place from the given root', () => {
  assert.equal(describeDuplicateMember({ name: '_src', path: '.okm' }, 'req'), '"_src" appears twice in req.okm');
  assert.equal(describeDuplicateMember({ name: 'a"b', path: '' }, '_pld'), '"a\\"b" appears twice in _pld');
  const long = describeDuplicateMember({ name: 'x'.repeat(500), path: '' }, '$');
  assert.ok(long.length < 90, long);
});

/** A JSON value built with its text, each name escaped at random, and the first duplicate a reader meets. */
interface Generated {
  readonly text: string;
  readonly expected: { name: string; path: string } | null;
}

function generateJson(seed: number): Generated {
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const space = (): string => (random() < 0.2 ? pick([' ', '\n', '\t ', '\r\n']) : '');
  const NAMES = ['a', 'A', 'a ', '_src', '/', '\u00e9', '\u{1F600}', '"', 'k1', ''];
  const renderName = (name: string): string => {
    const style = random();
    if (style < 0.5) return JSON.stringify(name);
    // Escape some UTF-16 units as \uXXXX (either case), '/' as '\/'; a surrogate pair thus becomes two escapes.
    let out = '"';
    for (let i = 0; i < name.length; i++) {
      const unit = name.charCodeAt(i);
      const ch = name[i] ?? '';
      if (ch === '/' && random() < 0.5) out += '\\/';
      else if (random() < 0.6 || ch === '"') {
        const hex = unit.toString(16).padStart(4, '0');
        out += `\\u${random() < 0.5 ? hex : hex.toUpperCase()}`;
      } else out += ch;
    }
    return `${out}"`;
  };
  let expected: Generated['expected'] = null;
  const step = (path: string, key: string | number): string =>
    typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
  const value = (depth: number, path: string): string => {
    const kind = depth > 4 ? pick(['n', 's', 'l']) : pick(['n', 's', 'l', 'a', 'o', 'o', 'o']);
    if (kind === 'n') return String(Math.floor(random() * 1000) - 500);
    if (kind === 's') return JSON.stringify(pick(['x', 'a', '{"a":1,"a":2}', '\\', '', '}]']));
    if (kind === 'l') return pick(['true', 'false', 'null']);
    if (kind === 'a') {
      const items = Array.from({ length: Math.floor(random() * 4) }, (_, i) => `${space()}${value(depth + 1, step(path, i))}${space()}`);
      return `[${items.join(',')}]`;
    }
    const seen = new Set<string>();
    const members: string[] = [];
    const count = Math.floor(random() * (random() < 0.2 ? 14 : 5));
    for (let i = 0; i < count; i++) {
      const name = pick(NAMES);
      if (seen.has(name) && expected === null) expected = { name, path };
      seen.add(name);
      members.push(`${space()}${renderName(name)}${space()}:${space()}${value(depth + 1, step(path, name))}${space()}`);
    }
    return `{${members.join(',')}}`;
  };
  const text = value(0, '');
  return { text, expected };
}

test('on 3,000 random JSON texts with escaped names the detector agrees with a reference walk of the value tree', () => {
  let duplicates = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const { text, expected } = generateJson(seed);
    assert.deepEqual(find(text), expected, text);
    if (expected !== null) duplicates++;
  }
  assert.ok(duplicates > 300 && duplicates < 2700, `both outcomes are exercised (${duplicates} with a duplicate)`);
});
