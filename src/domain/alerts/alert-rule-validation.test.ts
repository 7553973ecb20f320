import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError } from '../../errors.js';
import { EXAMPLE_FRYER_MODEL } from '../equipment-model/builtin-models.js';
import type { EquipmentModel } from '../equipment-model/data-dictionary.js';
import { parseAlertRule, validateAlertRule } from './alert-rule-validation.js';

const MODELS = new Map<string, EquipmentModel>([['e0f1', EXAMPLE_FRYER_MODEL]]);
const HOT_OIL = {
  name: 'Oil too hot',
  severity: 'critical',
  scope: { kind: 'model', modelId: 'E0F1' },
  condition: { kind: 'threshold', field: 'oil_temp', operator: 'above', high: 195, forS: 300, hysteresis: 5 },
};

test('a threshold on a number field of the scope\'s model, an offline rule and a combined rule are accepted', () => {
  assert.deepEqual(validateAlertRule(HOT_OIL, MODELS), []);
  assert.deepEqual(validateAlertRule({ name: 'Offline', severity: 'major', scope: { kind: 'all' }, condition: { kind: 'offline', intervals: 3 } }, MODELS), []);
  const combined = { ...HOT_OIL, condition: { kind: 'combined', join: 'or', conditions: [HOT_OIL.condition, { kind: 'device-problem', problem: 'crc-failures', atLeast: 10 }] } };
  assert.equal(parseAlertRule(combined, MODELS).condition.kind, 'combined');
});

test('a field the model does not have, or not a number field, is named with its path', () => {
  assert.deepEqual(validateAlertRule({ ...HOT_OIL, condition: { ...HOT_OIL.condition, field: 'oil_tmp' } }, MODELS), [{ path: 'condition.field', problem: 'model e0f1 has no field "oil_tmp"' }]);
  assert.deepEqual(validateAlertRule({ ...HOT_OIL, condition: { ...HOT_OIL.condition, field: 'program_mode' } }, MODELS).map((p) => p.path), ['condition.field']);
  assert.deepEqual(validateAlertRule({ ...HOT_OIL, scope: { kind: 'model', modelId: 'ffff' } }, MODELS).map((p) => p.path), ['scope.modelId']);
  const nested = { ...HOT_OIL, condition: { kind: 'combined', join: 'and', conditions: [{ kind: 'offline', intervals: 3 }, { kind: 'counter-increased', field: 'nope' }] } };
  assert.deepEqual(validateAlertRule(nested, MODELS).map((p) => p.path), ['condition.conditions[1].field']);
});

test('bounds: the operator\'s bound is required, low below high, and a hysteresis that could never resolve is refused', () => {
  const { high: _high, ...withoutHigh } = HOT_OIL.condition;
  assert.deepEqual(validateAlertRule({ ...HOT_OIL, condition: withoutHigh }, MODELS).map((p) => p.path), ['condition.high']);
  const band = { kind: 'threshold', field: 'oil_temp', operator: 'outside', low: 200, high: 150 };
  assert.deepEqual(validateAlertRule({ ...HOT_OIL, condition: band }, MODELS).map((p) => p.path), ['condition.low']);
  assert.deepEqual(validateAlertRule({ ...HOT_OIL, condition: { ...band, low: 150, high: 160, hysteresis: 5 } }, MODELS).map((p) => p.path), ['condition.hysteresis']);
});

test('a threshold that is not a number, an unknown kind or severity, an extra member: refused naming the path; parse throws ERR_ALERT_RULE_INVALID', () => {
  assert.ok(validateAlertRule({ ...HOT_OIL, condition: { ...HOT_OIL.condition, high: '195' } }, MODELS).some((p) => p.path.startsWith('condition')));
  assert.ok(validateAlertRule({ ...HOT_OIL, severity: 'apocalyptic' }, MODELS).some((p) => p.path === 'severity'));
  assert.ok(validateAlertRule({ ...HOT_OIL, extra: 1 }, MODELS).length > 0);
  assert.throws(() => parseAlertRule({ ...HOT_OIL, condition: { kind: 'weather' } }, MODELS), (error) => isOpenTpsError(error, 'ERR_ALERT_RULE_INVALID'));
  assert.throws(() => parseAlertRule(null, MODELS), (error) => isOpenTpsError(error, 'ERR_ALERT_RULE_INVALID'));
});

test('an offline or device-problem rule scoped to an equipment model is refused (it could never fire); with a field condition beside it, it is taken', () => {
  const offlineFryers = { name: 'Fryers offline', severity: 'major', scope: { kind: 'model', modelId: 'e0f1' }, condition: { kind: 'offline', intervals: 3 } };
  const problems = validateAlertRule(offlineFryers, MODELS);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.path, 'scope.modelId');
  assert.match(problems[0]?.problem ?? '', /about CWMs/);
  assert.deepEqual(validateAlertRule({ ...offlineFryers, scope: { kind: 'model', modelId: 'C000' } }, MODELS), []);
  const hotAndOffline = { ...offlineFryers, condition: { kind: 'combined', join: 'and', conditions: [HOT_OIL.condition, { kind: 'offline', intervals: 3 }] } };
  assert.deepEqual(validateAlertRule(hotAndOffline, MODELS), []);
});
