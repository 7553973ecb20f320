// An alert rule as the evaluation uses it (issue 16): its condition flattened into one or two simple parts and
// a join, and the level its alerts are about. A rule with a field condition (threshold, counter) alerts per
// equipment, since one CWM may carry several fryers; a rule of CWM conditions only (offline, device problems)
// alerts per CWM. A CWM condition inside an equipment rule holds for every equipment behind that CWM.

import type { AlertCondition, AlertScope, AlertSeverity } from './alert-rule.js';
import type { AlertRuleRecord } from './alert-store.js';

export type SimpleCondition = Exclude<AlertCondition, { kind: 'combined' }>;

export type SubjectLevel = 'equipment' | 'cwm';

export interface CompiledRule {
  readonly id: number;
  readonly version: number;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly scope: AlertScope;
  readonly parts: readonly SimpleCondition[];
  readonly join: 'and' | 'or';
  readonly level: SubjectLevel;
  /** The rule is one threshold: its alert goes through pending, with the threshold's own duration. */
  readonly isSingleThreshold: boolean;
  readonly channelIds: readonly number[];
}

/** True for a condition on a heartbeat field, evaluated on the push path. */
export function isFieldCondition(part: SimpleCondition): part is Extract<SimpleCondition, { kind: 'threshold' | 'counter-increased' }> {
  return part.kind === 'threshold' || part.kind === 'counter-increased';
}

export function compileRule(record: AlertRuleRecord): CompiledRule {
  const condition = record.condition;
  const parts: SimpleCondition[] = condition.kind === 'combined' ? [...condition.conditions] : [condition];
  return {
    id: record.id,
    version: record.version,
    name: record.name,
    severity: record.severity,
    scope: record.scope,
    parts,
    join: condition.kind === 'combined' ? condition.join : 'and',
    level: parts.some(isFieldCondition) ? 'equipment' : 'cwm',
    isSingleThreshold: condition.kind === 'threshold',
    channelIds: record.channelIds,
  };
}

/** The key of one CWM-level part of one rule, for the tables of which CWMs it holds for. */
export function partKeyOf(ruleId: number, partIndex: number): string {
  return `${ruleId}:${partIndex}`;
}
