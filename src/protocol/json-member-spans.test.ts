import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { findTopLevelMember, findTopLevelMemberSpans, type MemberSpan } from './json-member-spans.js';

/** Each member as [key, exact value text], the form most tests compare against. */
function membersOf(text: string): Array<[string, string]> | null {
  const spans = findTopLevelMemberSpans(text);
  return spans ? spans.map((s: MemberSpan): [string, string] => [s.key, text.slice(s.valueStart, s.valueEnd)]) : null;
}

/** Checks that every value text parses to the value JSON.parse gives for that member. */
function assertAgreesWithJsonParse(text: string): void {
  const parsed: unknown = JSON.parse(text);
  assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed));
  const members = membersOf(text);
  assert.ok(members);
  const last = new Map(members);
  assert.deepEqual([...last.keys()].sort(), Object.keys(parsed).sort());
  for (const [key, valueText] of last) {
    assert.deepEqual(JSON.parse(valueText), (parsed as Record<string, unknown>)[key], `member ${key}`);
  }
}

describe('findTopLevelMemberSpans', () => {
  test('gives the documented offsets for a spaced array value', () => {
    assert.deepEqual(findTopLevelMemberSpans('{"a": [1, 2]}'), [{ key: 'a', valueStart: 6, valueEnd: 12 }]);
  });

  test('returns an empty list for an empty object, with or without inner whitespace', () => {
    assert.deepEqual(findTopLevelMemberSpans('{}'), []);
    assert.deepEqual(findTopLevelMemberSpans(' {\n\t } '), []);
  });

  test('returns null when the top-level value is not an object', () => {
    for (const text of ['[]', '[{"a":1}]', '"{}"', '42', 'true', 'false', 'null', '  [1]  ']) {
      assert.equal(findTopLevelMemberSpans(text), null, text);
    }
  });

  test('cuts out values of every JSON type exactly', () => {
    const text = '{"s":"x","n":-12.5e+3,"i":0,"t":true,"f":false,"z":null,"o":{"k":[1]},"a":[{},[]],"e":""}';
    assert.deepEqual(membersOf(text), [
      ['s', '"x"'],
      ['n', '-12.5e+3'],
      ['i', '0'],
      ['t', 'true'],
      ['f', 'false'],
      ['z', 'null'],
      ['o', '{"k":[1]}'],
      ['a', '[{},[]]'],
      ['e', '""'],
    ]);
    assertAgreesWithJsonParse(text);
  });

  test('does not end a value at braces, brackets or commas inside strings', () => {
    const text = '{"a":"}]{[,:","b":{"c":"}}}"},"d":["]]",","],"e":"{"}';
    assert.deepEqual(membersOf(text), [
      ['a', '"}]{[,:"'],
      ['b', '{"c":"}}}"}'],
      ['d', '["]]",","]'],
      ['e', '"{"'],
    ]);
    assertAgreesWithJsonParse(text);
  });

  test('does not end a string at an escaped quote, but does after an escaped backslash', () => {
    const text = String.raw`{"q":"say \"hi\" }","b":"ends with \\","c":"\\\"x","k\"ey":1}`;
    assert.deepEqual(membersOf(text), [
      ['q', String.raw`"say \"hi\" }"`],
      ['b', String.raw`"ends with \\"`],
      ['c', String.raw`"\\\"x"`],
      ['k"ey', '1'],
    ]);
    assertAgreesWithJsonParse(text);
  });

  test('reports only top-level members of deeply nested structures', () => {
    const text = '{"outer":{"inner":{"_crc":"FFFF","deep":[[[{"x":"]"}]]]}},"_crc":"1234"}';
    assert.deepEqual(membersOf(text), [
      ['outer', '{"inner":{"_crc":"FFFF","deep":[[[{"x":"]"}]]]}}'],
      ['_crc', '"1234"'],
    ]);
  });

  test('handles whitespace of every kind around keys, colons, values and commas', () => {
    const text = ' \r\n{ \t"a" \n:\r 1 ,\n\t"b"  :  [ 1 , { "c" : 2 } ]\t,"c":true\r\n,\n"d" : "x y"  }\n';
    assert.deepEqual(membersOf(text), [
      ['a', '1'],
      ['b', '[ 1 , { "c" : 2 } ]'],
      ['c', 'true'],
      ['d', '"x y"'],
    ]);
    assertAgreesWithJsonParse(text);
  });

  test('ends numbers and literals at the closing brace when no whitespace follows', () => {
    assert.deepEqual(membersOf('{"a":1}'), [['a', '1']]);
    assert.deepEqual(membersOf('{"a":null}'), [['a', 'null']]);
    assert.deepEqual(membersOf('{"a":-0.5E-7}'), [['a', '-0.5E-7']]);
  });

  test('decodes escaped keys the way JSON.parse does', () => {
    const text = String.raw`{"\u005fcrc":"8813","caf\u00e9":1,"\ud83d\ude00":2}`;
    assert.deepEqual(
      membersOf(text)?.map(([key]) => key),
      ['_crc', 'café', '😀'],
    );
  });

  test('counts offsets in UTF-16 units, so astral characters take two', () => {
    const text = '{"😀":"中😀","b":2}';
    const spans = findTopLevelMemberSpans(text);
    assert.deepEqual(spans, [
      { key: '😀', valueStart: 6, valueEnd: 11 },
      { key: 'b', valueStart: 16, valueEnd: 17 },
    ]);
  });

  test('keeps every duplicate key in order of appearance', () => {
    assert.deepEqual(membersOf('{"a":1,"b":2,"a":3}'), [
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ]);
  });
});

describe('findTopLevelMember', () => {
  test('finds a member by key and gives its value span', () => {
    const text = '{"okm":{"_src":["A"]},"ts":"2020-09-16T12:13:47"}';
    const span = findTopLevelMember(text, 'ts');
    assert.ok(span);
    assert.equal(text.slice(span.valueStart, span.valueEnd), '"2020-09-16T12:13:47"');
  });

  test('returns the last of duplicate keys, as JSON.parse keeps the last', () => {
    const text = '{"a":"first","b":0,"a":"last"}';
    const span = findTopLevelMember(text, 'a');
    assert.ok(span);
    assert.equal(JSON.parse(text.slice(span.valueStart, span.valueEnd)), (JSON.parse(text) as { a: string }).a);
    assert.equal(text.slice(span.valueStart, span.valueEnd), '"last"');
  });

  test('ignores a key of the same name that is only nested', () => {
    assert.equal(findTopLevelMember('{"_pld":{"_crc":"8813"}}', '_crc'), undefined);
    assert.equal(findTopLevelMember('{"list":[{"_crc":"8813"}]}', '_crc'), undefined);
  });

  test('ignores the name when it only appears inside a string value', () => {
    assert.equal(findTopLevelMember('{"note":"\\"_crc\\":\\"8813\\""}', '_crc'), undefined);
  });

  test('returns undefined for a missing key and for a non-object text', () => {
    assert.equal(findTopLevelMember('{"a":1}', 'b'), undefined);
    assert.equal(findTopLevelMember('[{"a":1}]', 'a'), undefined);
    assert.equal(findTopLevelMember('{}', 'a'), undefined);
  });

  test('matches keys exactly, case included', () => {
    assert.equal(findTopLevelMember('{"OKM":{}}', 'okm'), undefined);
    assert.ok(findTopLevelMember('{"OKM":{}}', 'OKM'));
  });
});
