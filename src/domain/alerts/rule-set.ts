// The enabled rules of a node, indexed so that the push path finds the rules a heartbeat can touch without a
// query and without looking at every rule (issue 16: "threshold rules evaluate on the push path incrementally"):
// rules for every device, rules by model, and rules whose scope lists devices (a site's or a tag's members, as
// loaded by scope-membership.ts, or the rule's own device list) by device id.

import { modelIdOfOrigin } from '../equipment/equipment-model-of.js';
import type { CompiledRule } from './compiled-rule.js';
import { isFieldCondition } from './compiled-rule.js';
import type { ScopeMembers } from './scope-membership.js';

export interface RuleSubject {
  readonly subjectId: string;
  readonly cwmId: string;
}

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  findRule(ruleId: number): CompiledRule | undefined;
  /** Rules with a field condition whose scope takes the equipment `originId` behind `cwmId`. */
  fieldRulesFor(cwmId: string, originId: string): readonly CompiledRule[];
  /** Whether `rule`'s scope takes the subject (an equipment behind its CWM, or a CWM itself). */
  isInScope(rule: CompiledRule, subject: RuleSubject): boolean;
  /** Rules having a part of this kind. */
  rulesWith(kind: CompiledRule['parts'][number]['kind']): readonly CompiledRule[];
}

const NONE: readonly CompiledRule[] = [];

export function createRuleSet(rules: readonly CompiledRule[], members: ScopeMembers): RuleSet {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const fieldRules = rules.filter((rule) => rule.parts.some(isFieldCondition));
  const everywhere: CompiledRule[] = [];
  const byModel = new Map<string, CompiledRule[]>();
  const byDevice = new Map<string, CompiledRule[]>();
  const add = <K>(map: Map<K, CompiledRule[]>, key: K, rule: CompiledRule): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [rule]);
    else if (!list.includes(rule)) list.push(rule);
  };
  for (const rule of fieldRules) {
    const scope = rule.scope;
    if (scope.kind === 'all') everywhere.push(rule);
    else if (scope.kind === 'model') add(byModel, scope.modelId.toLowerCase(), rule);
    else for (const deviceId of members.deviceIdsOf(scope)) add(byDevice, deviceId, rule);
  }
  const mergedByModel = new Map<string, CompiledRule[]>();
  const byKind = new Map<string, CompiledRule[]>();
  for (const rule of rules) for (const part of rule.parts) add(byKind, part.kind, rule);

  const isInScope = (rule: CompiledRule, subject: RuleSubject): boolean => {
    const scope = rule.scope;
    switch (scope.kind) {
      case 'all':
        return true;
      case 'model':
        return modelIdOfOrigin(subject.subjectId, subject.cwmId) === scope.modelId.toLowerCase();
      case 'site':
      case 'tag':
      case 'devices': {
        const ids = members.deviceIdsOf(scope);
        return ids.has(subject.subjectId) || ids.has(subject.cwmId);
      }
    }
  };

  return {
    rules,
    findRule: (ruleId) => byId.get(ruleId),
    fieldRulesFor(cwmId, originId) {
      if (fieldRules.length === 0) return NONE;
      const modelId = modelIdOfOrigin(originId, cwmId);
      const modelRules = modelId === null ? undefined : byModel.get(modelId);
      const cwmRules = byDevice.get(cwmId);
      const originRules = originId === cwmId ? undefined : byDevice.get(originId);
      if (cwmRules === undefined && originRules === undefined) {
        if (modelRules === undefined || modelId === null) return everywhere;
        // The usual case, a model's rules and the fleet's: merged once per model, not per heartbeat.
        let merged = mergedByModel.get(modelId);
        if (merged === undefined) mergedByModel.set(modelId, (merged = [...everywhere, ...modelRules]));
        return merged;
      }
      return [...new Set([...everywhere, ...(modelRules ?? NONE), ...(cwmRules ?? NONE), ...(originRules ?? NONE)])];
    },
    isInScope,
    rulesWith: (kind) => byKind.get(kind) ?? NONE,
  };
}
