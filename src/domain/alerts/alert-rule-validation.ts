// The rules of an alert rule a shape cannot say (issue 16 "Bad input": a rule on a field that does not exist, a
// threshold that is not a number, each a clear error on save): every problem with its path, like the
// dictionary's (dictionary-validation.ts).

import { Value } from '@sinclair/typebox/value';
import { OpenTpsError } from '../../errors.js';
import type { EquipmentModel } from '../equipment-model/data-dictionary.js';
import { fieldsByKey } from '../equipment-model/dictionary-index.js';
import { CWM_MODEL_ID } from '../equipment/equipment-query.js';
import { AlertRuleSchema, type AlertCondition, type AlertRule, type AlertScope } from './alert-rule.js';

export interface AlertRuleProblem {
  readonly path: string;
  readonly problem: string;
}

/** `/condition/field` (JSON Pointer, as TypeBox reports) → `condition.field`. */
function toPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

/**
 * A field a threshold or counter watches must be one the scope's equipment can report: for a model scope, a field
 * of its dictionary (a number field for a threshold); for other scopes the devices' models are not known in
 * advance, so any key is taken.
 */
function checkField(scope: AlertScope, models: ReadonlyMap<string, EquipmentModel>, field: string, isThreshold: boolean, path: string, problems: AlertRuleProblem[]): void {
  if (scope.kind !== 'model') return;
  const model = models.get(scope.modelId.toLowerCase());
  if (model === undefined) {
    problems.push({ path: 'scope.modelId', problem: `no model ${JSON.stringify(scope.modelId)} is defined` });
    return;
  }
  const definition = fieldsByKey(model).get(field);
  if (definition === undefined) problems.push({ path, problem: `model ${model.modelId} has no field ${JSON.stringify(field)}` });
  else if (isThreshold && definition.type !== 'number') problems.push({ path, problem: `${JSON.stringify(field)} is a ${definition.type} field; a threshold needs a number field` });
}

function checkCondition(condition: AlertCondition, scope: AlertScope, models: ReadonlyMap<string, EquipmentModel>, path: string, problems: AlertRuleProblem[]): void {
  switch (condition.kind) {
    case 'threshold': {
      checkField(scope, models, condition.field, true, `${path}.field`, problems);
      const { operator, low, high } = condition;
      if ((operator === 'above' || operator === 'outside') && high === undefined) problems.push({ path: `${path}.high`, problem: `"${operator}" needs "high"` });
      if ((operator === 'below' || operator === 'outside') && low === undefined) problems.push({ path: `${path}.low`, problem: `"${operator}" needs "low"` });
      if (operator === 'outside' && low !== undefined && high !== undefined) {
        if (low >= high) problems.push({ path: `${path}.low`, problem: `"low" (${low}) must be below "high" (${high})` });
        else if ((condition.hysteresis ?? 0) * 2 >= high - low) problems.push({ path: `${path}.hysteresis`, problem: 'twice the hysteresis must be less than high - low, or the alert could never resolve' });
      }
      return;
    }
    case 'counter-increased':
      checkField(scope, models, condition.field, false, `${path}.field`, problems);
      return;
    case 'combined':
      condition.conditions.forEach((inner, index) => checkCondition(inner, scope, models, `${path}.conditions[${index}]`, problems));
      return;
    case 'offline':
    case 'device-problem':
      return;
  }
}

/** Every broken rule of `input`; empty when the rule may be saved. `models`: the current models by id. */
export function validateAlertRule(input: unknown, models: ReadonlyMap<string, EquipmentModel>): AlertRuleProblem[] {
  if (!Value.Check(AlertRuleSchema, input)) {
    // The first error of each path: a union reports one per member it tried.
    const byPath = new Map<string, string>();
    for (const error of Value.Errors(AlertRuleSchema, input)) if (!byPath.has(error.path)) byPath.set(error.path, error.message);
    return [...byPath].map(([pointer, problem]) => ({ path: toPath(pointer), problem }));
  }
  const problems: AlertRuleProblem[] = [];
  checkCondition(input.condition, input.scope, models, 'condition', problems);
  // Offline and device problems are about CWMs (a CWM's own model is c000): such a rule scoped to an equipment
  // model would never fire. With a field condition beside them they apply to each equipment's CWM, which is fine.
  const parts = input.condition.kind === 'combined' ? input.condition.conditions : [input.condition];
  const isCwmOnly = parts.every((part) => part.kind === 'offline' || part.kind === 'device-problem');
  if (isCwmOnly && input.scope.kind === 'model' && input.scope.modelId.toLowerCase() !== CWM_MODEL_ID) {
    problems.push({ path: 'scope.modelId', problem: `offline and device-problem conditions are about CWMs (model ${CWM_MODEL_ID}); scope them to all, ${CWM_MODEL_ID}, a site, a tag or devices, or add a field condition of model ${input.scope.modelId}` });
  }
  return problems;
}

/** The rule, typed, when it breaks nothing. @throws OpenTpsError ERR_ALERT_RULE_INVALID naming every problem (also in details.problems) */
export function parseAlertRule(input: unknown, models: ReadonlyMap<string, EquipmentModel>): AlertRule {
  const problems = validateAlertRule(input, models);
  if (problems.length > 0 || !Value.Check(AlertRuleSchema, input)) {
    throw new OpenTpsError('ERR_ALERT_RULE_INVALID', problems.map(({ path, problem }) => (path === '' ? problem : `${path}: ${problem}`)).join('; '), { details: { problems } });
  }
  return input;
}
