// One field of a data dictionary in the editor: a table row of inputs (key, label, class, type, unit, scale,
// offset, precision, min, max, HACCP) and, for enum, bitmask and json fields, a second row with their labels.
// Members that do not apply to the chosen type are disabled and left out, as the validator requires.
import { FIELD_CLASSES, FIELD_TYPES, type DictionaryField, type FieldType } from '../../../src/domain/equipment-model/data-dictionary.js';
import { el, uniqueId } from '../dom-builder.js';
import { selectOf } from '../form-field.js';
import { createLabelMapEditor, type LabelMapEditor } from './label-map-editor.js';
import { problemMessage, type ProblemSlots } from './problem-slots.js';

const NUMBER_MEMBERS = ['scale', 'offset', 'precision', 'min', 'max'] as const;
type NumberMember = (typeof NUMBER_MEMBERS)[number];

export interface FieldRowActions {
  readonly onChange: () => void;
  readonly onMove: (row: FieldRow, delta: -1 | 1) => void;
  readonly onRemove: (row: FieldRow) => void;
}

export interface FieldRow {
  readonly rows: readonly HTMLTableRowElement[];
  /** The field as typed: numbers parsed, text that is not a number kept as text so the check names it. */
  readonly read: () => Record<string, unknown>;
  readonly registerProblems: (index: number, slots: ProblemSlots) => void;
  readonly focus: () => void;
}

interface Cell<C extends HTMLInputElement | HTMLSelectElement> {
  readonly control: C;
  readonly message: HTMLElement;
  readonly cell: HTMLTableCellElement;
}

function cellOf<C extends HTMLInputElement | HTMLSelectElement>(control: C, className?: string): Cell<C> {
  if (control.id === '') control.id = uniqueId('dict');
  const message = problemMessage(control);
  control.setAttribute('aria-describedby', message.id);
  return { control, message, cell: el('td', { class: className }, control, message) };
}

/** '' → absent; a number → the number; anything else stays text, for the check to report. */
function readNumber(input: HTMLInputElement): unknown {
  const text = input.value.trim();
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

export function createFieldRow(field: Partial<DictionaryField>, actions: FieldRowActions): FieldRow {
  const key = cellOf(el('input', { class: 'mono', value: field.key ?? '', 'aria-label': 'Key', size: 12 }), 'key-cell');
  const label = cellOf(el('input', { value: field.label ?? '', 'aria-label': 'Label', size: 18 }), 'label-cell');
  const fieldClass = cellOf(selectOf('class', FIELD_CLASSES.map((value) => [value, value] as const), field.class ?? 'telemetry'), 'class-cell');
  fieldClass.control.setAttribute('aria-label', 'Class');
  const type = cellOf(selectOf('type', FIELD_TYPES.map((value) => [value, value] as const), field.type ?? 'number'), 'type-cell');
  type.control.setAttribute('aria-label', 'Type');
  const unit = cellOf(el('input', { class: 'mono', value: field.unit ?? '', 'aria-label': 'Unit', size: 6, placeholder: 'Cel' }), 'unit-cell');
  const numberCell = (member: NumberMember): Cell<HTMLInputElement> => {
    const value = field[member];
    return cellOf(el('input', { class: 'mono', inputmode: 'decimal', value: value === undefined || value === null ? '' : String(value), 'aria-label': memberLabel(member), size: 5 }), 'number-cell');
  };
  const numbers: Record<NumberMember, Cell<HTMLInputElement>> = {
    scale: numberCell('scale'),
    offset: numberCell('offset'),
    precision: numberCell('precision'),
    min: numberCell('min'),
    max: numberCell('max'),
  };
  const haccpInput = el('input', { type: 'checkbox', checked: field.haccp === true, 'aria-label': 'HACCP' });
  const haccp = cellOf(haccpInput, 'center');

  const enumLabels = createLabelMapEditor('enum', actions.onChange);
  const bitLabels = createLabelMapEditor('bitmask', actions.onChange);
  const itemLabels = createLabelMapEditor('items', actions.onChange);
  enumLabels.set(field.enumLabels);
  bitLabels.set(field.bitLabels);
  itemLabels.set(field.itemLabels);

  const upButton = el('button', { type: 'button', class: 'small', 'aria-label': 'Move up', title: 'Move up' }, '↑');
  const downButton = el('button', { type: 'button', class: 'small', 'aria-label': 'Move down', title: 'Move down' }, '↓');
  const removeButton = el('button', { type: 'button', class: 'small danger', 'aria-label': 'Remove field', title: 'Remove field' }, '×');
  const indexCell = el('td', { class: 'muted numeric' });
  const labelsCell = el('td', { colspan: 13, class: 'labels-cell' });
  const mainRow = el(
    'tr',
    { class: 'field-row' },
    indexCell,
    key.cell,
    label.cell,
    fieldClass.cell,
    type.cell,
    unit.cell,
    ...NUMBER_MEMBERS.map((member) => numbers[member].cell),
    haccp.cell,
    el('td', { class: 'nowrap' }, upButton, downButton, removeButton),
  );
  const labelsRow = el('tr', { class: 'field-labels-row' }, labelsCell);

  const currentType = (): FieldType => FIELD_TYPES.find((candidate) => candidate === type.control.value) ?? 'number';
  const labelsEditor = (): LabelMapEditor | null => {
    const chosen = currentType();
    return chosen === 'enum' ? enumLabels : chosen === 'bitmask' ? bitLabels : chosen === 'json' ? itemLabels : null;
  };

  /** Enables what the type uses; shows its labels editor, if it has one. */
  const applyType = (): void => {
    const chosen = currentType();
    for (const member of NUMBER_MEMBERS) numbers[member].control.disabled = chosen !== 'number';
    unit.control.disabled = chosen !== 'number' && chosen !== 'json';
    const editor = labelsEditor();
    labelsCell.replaceChildren(...(editor === null ? [] : [editor.element]));
    labelsRow.hidden = editor === null;
  };

  for (const control of [key.control, label.control, unit.control, ...NUMBER_MEMBERS.map((member) => numbers[member].control)]) control.addEventListener('input', actions.onChange);
  for (const control of [fieldClass.control, haccpInput]) control.addEventListener('change', actions.onChange);
  type.control.addEventListener('change', () => {
    applyType();
    actions.onChange();
  });
  applyType();

  const row: FieldRow = {
    rows: [mainRow, labelsRow],
    read: () => {
      const chosen = currentType();
      const result: Record<string, unknown> = { key: key.control.value.trim(), label: label.control.value, class: fieldClass.control.value, type: chosen };
      const unitText = unit.control.value.trim();
      if (!unit.control.disabled && unitText !== '') result['unit'] = unitText;
      if (chosen === 'number') {
        for (const member of NUMBER_MEMBERS) {
          const value = readNumber(numbers[member].control);
          if (value !== undefined) result[member] = value;
        }
      }
      if (chosen === 'enum') result['enumLabels'] = enumLabels.read();
      if (chosen === 'bitmask') result['bitLabels'] = bitLabels.read();
      if (chosen === 'json') {
        const items = itemLabels.read();
        if (Array.isArray(items) && items.length > 0) result['itemLabels'] = items;
      }
      if (haccpInput.checked) result['haccp'] = true;
      return result;
    },
    registerProblems: (index, slots) => {
      indexCell.textContent = String(index + 1);
      const path = `fields[${index}]`;
      slots.register(path, key.control, key.message);
      slots.register(`${path}.key`, key.control, key.message);
      slots.register(`${path}.label`, label.control, label.message);
      slots.register(`${path}.class`, fieldClass.control, fieldClass.message);
      slots.register(`${path}.type`, type.control, type.message);
      slots.register(`${path}.unit`, unit.control, unit.message);
      for (const member of NUMBER_MEMBERS) slots.register(`${path}.${member}`, numbers[member].control, numbers[member].message);
      slots.register(`${path}.haccp`, haccpInput, haccp.message);
      enumLabels.registerProblems(`${path}.enumLabels`, slots);
      bitLabels.registerProblems(`${path}.bitLabels`, slots);
      itemLabels.registerProblems(`${path}.itemLabels`, slots);
    },
    focus: () => key.control.focus(),
  };
  upButton.addEventListener('click', () => actions.onMove(row, -1));
  downButton.addEventListener('click', () => actions.onMove(row, 1));
  removeButton.addEventListener('click', () => actions.onRemove(row));
  return row;
}

function memberLabel(member: NumberMember): string {
  return member.charAt(0).toUpperCase() + member.slice(1);
}
