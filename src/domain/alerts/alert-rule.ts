// Alert rules (issue 16): what an operator asks to be told about, as one TypeBox definition from which the
// admin API's validation, its OpenAPI document and the console's editor come. The rules a shape cannot say
// (a field that exists in the scope's dictionaries, a clear bound on the right side of the threshold) are in
// alert-rule-validation.ts.

import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

function literalUnion<const T extends readonly string[]>(values: T, description: string): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map((value: T[number]) => Type.Literal(value)), { description });
}

export const ALERT_SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Device problems the store already counts (fleet-summary.ts), each a condition of its own. */
export const DEVICE_PROBLEMS = ['crc-failures', 'hmac-failures', 'queue-backlog', 'messages-expired', 'transfer-stalled'] as const;
export type DeviceProblem = (typeof DEVICE_PROBLEMS)[number];

export const MAX_RULE_DURATION_S = 7 * 86_400;
export const MAX_SCOPE_DEVICES = 1000;

const FieldKey = Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'a heartbeat key' });
const DurationS = Type.Integer({ minimum: 0, maximum: MAX_RULE_DURATION_S, description: 'seconds the condition must hold before the alert fires' });

export const AlertScopeSchema = Type.Union(
  [
    Type.Object({ kind: Type.Literal('all') }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('model'), modelId: Type.String({ pattern: '^[0-9a-fA-F]{4}$' }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('site'), siteId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('tag'), tag: Type.String({ pattern: '^[A-Za-z0-9._:/-]{1,64}$' }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('devices'), deviceIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: MAX_SCOPE_DEVICES }) }, { additionalProperties: false }),
  ],
  { description: 'which devices or equipment the rule watches' },
);

export const OfflineConditionSchema = Type.Object(
  {
    kind: Type.Literal('offline'),
    intervals: Type.Number({ minimum: 1, maximum: 1000, description: 'no request for this many of the device\'s expected intervals' }),
  },
  { additionalProperties: false },
);

export const ThresholdConditionSchema = Type.Object(
  {
    kind: Type.Literal('threshold'),
    field: FieldKey,
    operator: literalUnion(['above', 'below', 'outside'] as const, 'above: value > high; below: value < low; outside: value < low or value > high'),
    low: Type.Optional(Type.Number({ description: 'decoded value (where the model has a dictionary), for below and outside' })),
    high: Type.Optional(Type.Number({ description: 'decoded value, for above and outside' })),
    forS: Type.Optional(DurationS),
    hysteresis: Type.Optional(Type.Number({ minimum: 0, description: 'the value must come back inside the bound by this much before the alert resolves' })),
  },
  { additionalProperties: false },
);

export const CounterConditionSchema = Type.Object(
  { kind: Type.Literal('counter-increased'), field: FieldKey },
  { additionalProperties: false, description: 'an event counter the equipment reports went up' },
);

export const ProblemConditionSchema = Type.Object(
  {
    kind: Type.Literal('device-problem'),
    problem: literalUnion(DEVICE_PROBLEMS, 'a problem the server already tracks per CWM'),
    atLeast: Type.Optional(Type.Integer({ minimum: 1, description: 'how many (failures, queued, expired messages) before it counts; 1 by default' })),
  },
  { additionalProperties: false },
);

const SimpleConditionSchema = Type.Union([OfflineConditionSchema, ThresholdConditionSchema, CounterConditionSchema, ProblemConditionSchema]);

export const CombinedConditionSchema = Type.Object(
  { kind: Type.Literal('combined'), join: literalUnion(['and', 'or'] as const, 'both, or either'), conditions: Type.Tuple([SimpleConditionSchema, SimpleConditionSchema]) },
  { additionalProperties: false, description: 'two conditions combined (the issue: "any two of these combined with AND/OR")' },
);

export const AlertConditionSchema = Type.Union([OfflineConditionSchema, ThresholdConditionSchema, CounterConditionSchema, ProblemConditionSchema, CombinedConditionSchema]);

export const AlertRuleSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    severity: literalUnion(ALERT_SEVERITIES, 'how bad it is'),
    scope: AlertScopeSchema,
    condition: AlertConditionSchema,
    isEnabled: Type.Optional(Type.Boolean({ default: true })),
    channelIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 20, uniqueItems: true, description: 'notification channels to tell; none by default' })),
  },
  { additionalProperties: false, $id: 'https://opentps.dev/schemas/alert-rule.json', description: 'An alert rule' },
);

export type AlertScope = Static<typeof AlertScopeSchema>;
export type ThresholdCondition = Static<typeof ThresholdConditionSchema>;
export type AlertCondition = Static<typeof AlertConditionSchema>;
export type AlertRule = Static<typeof AlertRuleSchema>;
