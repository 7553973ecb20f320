// One line saying what an alert is about, for the alert list and the notifications (issue 16): the condition as
// an operator wrote it and the value it holds on, e.g. "oil_temp 212.5 above 200 for 5 min".

import type { SimpleCondition } from './compiled-rule.js';
import type { AlertValue } from './alert-store.js';

function durationText(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function valueText(value: AlertValue): string {
  if (value === null) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The condition with the value it held on (`value` null: the condition alone). */
export function describeCondition(part: SimpleCondition, value: AlertValue): string {
  switch (part.kind) {
    case 'threshold': {
      const bound = part.operator === 'above' ? `above ${part.high}` : part.operator === 'below' ? `below ${part.low}` : `outside ${part.low}..${part.high}`;
      const forText = part.forS !== undefined && part.forS > 0 ? ` for ${durationText(part.forS)}` : '';
      return `${part.field} ${value === null ? '' : `${valueText(value)} `}${bound}${forText}`;
    }
    case 'counter-increased':
      return `${part.field} increased${value === null ? '' : ` to ${valueText(value)}`}`;
    case 'offline':
      return `offline: no request for ${part.intervals} usual intervals${value === null ? '' : ` (${valueText(value)})`}`;
    case 'device-problem':
      return `${part.problem}${value === null ? '' : `: ${valueText(value)}`} (at least ${part.atLeast ?? 1})`;
  }
}
