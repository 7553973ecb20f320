// Edits one alert condition: its kind and that kind's fields (a threshold's field, operator and bounds; an
// offline count of intervals; a device problem; a counter), or two of them combined with AND/OR. Reads back the
// condition as the API takes it; the server checks it (the field exists in the model, bounds fit the operator).
import type { AlertCondition } from '../api-model.js';
import { el } from '../dom-builder.js';
import { labeledField, selectOf } from '../form-field.js';

export type SimpleCondition = Exclude<AlertCondition, { kind: 'combined' }>;
type SimpleKind = SimpleCondition['kind'];

const SIMPLE_KINDS: ReadonlyArray<readonly [SimpleKind, string]> = [
  ['threshold', 'A value crosses a threshold'],
  ['offline', 'The CWM stops calling'],
  ['counter-increased', 'An event counter goes up'],
  ['device-problem', 'A device problem'],
];
const PROBLEMS = ['crc-failures', 'hmac-failures', 'queue-backlog', 'messages-expired', 'transfer-stalled'] as const;

export interface ConditionEditor {
  readonly element: HTMLElement;
  readonly read: () => AlertCondition;
  readonly set: (condition: AlertCondition) => void;
}

/** A number input's value, or undefined when empty (the member is then left out). */
function numberOf(input: HTMLInputElement): number | undefined {
  return input.value.trim() === '' ? undefined : Number(input.value);
}

function setNumber(input: HTMLInputElement, value: number | undefined): void {
  input.value = value === undefined ? '' : String(value);
}

function createSimpleEditor(label: string): { element: HTMLElement; read: () => SimpleCondition; set: (condition: SimpleCondition) => void } {
  const kind = selectOf('conditionKind', SIMPLE_KINDS, 'threshold');
  const field = el('input', { name: 'field', autocomplete: 'off', placeholder: 'e.g. oil_temp', class: 'mono' });
  const counterField = el('input', { name: 'counterField', autocomplete: 'off', placeholder: 'e.g. fault_count', class: 'mono' });
  const operator = selectOf('operator', [['above', 'above high'], ['below', 'below low'], ['outside', 'outside low–high']], 'above');
  const low = el('input', { type: 'number', name: 'low', step: 'any' });
  const high = el('input', { type: 'number', name: 'high', step: 'any' });
  const forS = el('input', { type: 'number', name: 'forS', min: 0, step: 1, placeholder: '0' });
  const hysteresis = el('input', { type: 'number', name: 'hysteresis', min: 0, step: 'any' });
  const intervals = el('input', { type: 'number', name: 'intervals', min: 1, step: 'any', value: 3 });
  const problem = selectOf('problem', PROBLEMS.map((value) => [value, value] as const), 'crc-failures');
  const atLeast = el('input', { type: 'number', name: 'atLeast', min: 1, step: 1, placeholder: '1' });
  const groups: Record<SimpleKind, HTMLElement> = {
    threshold: el('div', { class: 'field-row' }, labeledField('Field', field, 'a heartbeat key'), labeledField('Operator', operator), labeledField('Low', low), labeledField('High', high), labeledField('For seconds', forS), labeledField('Hysteresis', hysteresis)),
    offline: el('div', { class: 'field-row' }, labeledField('Missed intervals', intervals, 'no request for this many expected intervals')),
    'counter-increased': el('div', { class: 'field-row' }, labeledField('Counter field', counterField, 'a heartbeat key')),
    'device-problem': el('div', { class: 'field-row' }, labeledField('Problem', problem), labeledField('At least', atLeast)),
  };
  const currentKind = (): SimpleKind => SIMPLE_KINDS.find(([value]) => value === kind.value)?.[0] ?? 'threshold';
  const show = (): void => {
    for (const [name, group] of Object.entries(groups)) group.hidden = name !== currentKind();
  };
  kind.addEventListener('change', show);
  show();
  const element = el('fieldset', { class: 'condition-editor' }, el('legend', {}, label), labeledField('Kind', kind), ...Object.values(groups));
  return {
    element,
    read: () => {
      switch (currentKind()) {
        case 'offline':
          return { kind: 'offline', intervals: numberOf(intervals) ?? 0 };
        case 'counter-increased':
          return { kind: 'counter-increased', field: counterField.value.trim() };
        case 'device-problem': {
          const count = numberOf(atLeast);
          const value = PROBLEMS.find((candidate) => candidate === problem.value) ?? 'crc-failures';
          return count === undefined ? { kind: 'device-problem', problem: value } : { kind: 'device-problem', problem: value, atLeast: count };
        }
        case 'threshold': {
          const op = operator.value === 'below' ? 'below' : operator.value === 'outside' ? 'outside' : 'above';
          const bounds = { low: numberOf(low), high: numberOf(high), forS: numberOf(forS), hysteresis: numberOf(hysteresis) };
          const members = Object.fromEntries(Object.entries(bounds).filter(([, value]) => value !== undefined));
          return { kind: 'threshold', field: field.value.trim(), operator: op, ...members };
        }
      }
    },
    set: (condition) => {
      kind.value = condition.kind;
      if (condition.kind === 'offline') setNumber(intervals, condition.intervals);
      if (condition.kind === 'counter-increased') counterField.value = condition.field;
      if (condition.kind === 'device-problem') {
        problem.value = condition.problem;
        setNumber(atLeast, condition.atLeast);
      }
      if (condition.kind === 'threshold') {
        field.value = condition.field;
        operator.value = condition.operator;
        setNumber(low, condition.low);
        setNumber(high, condition.high);
        setNumber(forS, condition.forS);
        setNumber(hysteresis, condition.hysteresis);
      }
      show();
    },
  };
}

export function createConditionEditor(): ConditionEditor {
  const mode = selectOf('conditionMode', [['single', 'One condition'], ['and', 'Two conditions, both (AND)'], ['or', 'Two conditions, either (OR)']], 'single');
  const first = createSimpleEditor('Condition');
  const second = createSimpleEditor('Second condition');
  const show = (): void => {
    second.element.hidden = mode.value === 'single';
  };
  mode.addEventListener('change', show);
  show();
  const element = el('div', { class: 'condition-editors' }, labeledField('Condition', mode), first.element, second.element);
  return {
    element,
    read: () => (mode.value === 'single' ? first.read() : { kind: 'combined', join: mode.value === 'or' ? 'or' : 'and', conditions: [first.read(), second.read()] }),
    set: (condition) => {
      if (condition.kind === 'combined') {
        mode.value = condition.join;
        first.set(condition.conditions[0]);
        second.set(condition.conditions[1]);
      } else {
        mode.value = 'single';
        first.set(condition);
      }
      show();
    },
  };
}
