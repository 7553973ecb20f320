import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUcumUnit, ucumSymbol, UCUM_UNITS } from './ucum-units.js';

test('the codes the issue names are accepted with their display symbols', () => {
  const expected: Record<string, string> = {
    Cel: '°C', '[degF]': '°F', s: 's', min: 'min', h: 'h', mV: 'mV', V: 'V', mA: 'mA', A: 'A', W: 'W', kW: 'kW',
    'kW.h': 'kWh', '%': '%', L: 'L', mL: 'mL', kg: 'kg', g: 'g', Pa: 'Pa', kPa: 'kPa', bar: 'bar', '1': '',
  };
  for (const [code, symbol] of Object.entries(expected)) {
    assert.ok(isUcumUnit(code), code);
    assert.equal(ucumSymbol(code), symbol, code);
  }
});

test('codes are case-sensitive: cel, CEL and mv are not UCUM codes', () => {
  for (const code of ['cel', 'CEL', 'mv', 'MV', 'kwh', 'degF', '°C', 'C', 'F']) {
    assert.equal(isUcumUnit(code), false, code);
    assert.equal(ucumSymbol(code), null, code);
  }
});

test('inherited object members and empty strings are not units', () => {
  for (const code of ['', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    assert.equal(isUcumUnit(code), false, code);
    assert.equal(ucumSymbol(code), null, code);
  }
});

test('the table cannot be changed at run time', () => {
  assert.ok(Object.isFrozen(UCUM_UNITS));
});
