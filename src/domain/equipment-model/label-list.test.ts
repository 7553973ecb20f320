import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLabelItems, formatLabelPairs, parseLabelItems, parseLabelPairs } from './label-list.js';

test('value=label entries are read in order, spaces around entries, values and labels dropped', () => {
  assert.deepEqual(parseLabelPairs(' non = none ; ttl=TTL;232 =RS-232 '), { isOk: true, value: { non: 'none', ttl: 'TTL', '232': 'RS-232' } });
});

test('an empty or blank cell means no labels', () => {
  assert.deepEqual(parseLabelPairs(''), { isOk: true, value: null });
  assert.deepEqual(parseLabelItems('   '), { isOk: true, value: null });
});

test('only the first unescaped = separates value and label', () => {
  assert.deepEqual(parseLabelPairs('1=a=b'), { isOk: true, value: { '1': 'a=b' } });
  assert.deepEqual(parseLabelPairs('x\\=y=c\\;d'), { isOk: true, value: { 'x=y': 'c;d' } });
});

test('backslash escapes ; = \\ and spaces, which then stay', () => {
  assert.deepEqual(parseLabelItems('a\\;b;c\\\\;\\ d\\ '), { isOk: true, value: ['a;b', 'c\\', ' d '] });
});

test('a lone backslash, an unknown escape, an empty entry, a missing = or value, and a value twice are refused', () => {
  const problems = ['a\\', '0=C:\\temp', '0=off;;1=on', '0=off;', '0 off', '=off', '1=a;1=b'].map((text) => {
    const result = parseLabelPairs(text);
    assert.equal(result.isOk, false, text);
    return result.isOk ? '' : result.problem;
  });
  assert.match(problems[0] ?? '', /lone backslash/);
  assert.match(problems[1] ?? '', /unknown escape \\t/);
  assert.match(problems[2] ?? '', /entry 2 is empty/);
  assert.match(problems[3] ?? '', /entry 2 is empty/);
  assert.match(problems[4] ?? '', /no "="/);
  assert.match(problems[5] ?? '', /no value before "="/);
  assert.match(problems[6] ?? '', /"1" is labelled twice/);
});

test('formatted labels read back as they were, whatever they hold', () => {
  const labels = { '0': 'off', 'a;b': 'c=d', '\\': ' x ', '3': 'tab\tinside', ' 4': 'ends with \\' };
  const text = formatLabelPairs(labels);
  assert.deepEqual(parseLabelPairs(text), { isOk: true, value: labels });
  const items = ['one;two', '=', '\\\\', '  lead', 'trail\n'];
  assert.deepEqual(parseLabelItems(formatLabelItems(items)), { isOk: true, value: items });
  assert.equal(formatLabelPairs({ '0': 'off', '1': 'melt' }), '0=off;1=melt');
});
