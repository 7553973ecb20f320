// The data dictionary editor: the model's header (id, name, maker, kind) and its fields, validated as the
// operator types with the domain's own rules (dictionary-validation.ts, bundled), each problem shown next to
// the input it is about and all of them in a summary. The server checks again on save.
import type { DictionaryField } from '../../../src/domain/equipment-model/data-dictionary.js';
import { validateEquipmentModel } from '../../../src/domain/equipment-model/dictionary-validation.js';
import { debounce } from '../debounce.js';
import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import { createFieldRow, type FieldRow } from './field-row.js';
import type { EditableModel } from './model-file.js';
import { createProblemSlots, problemMessage, type ModelProblem } from './problem-slots.js';

/** Short enough to feel immediate, long enough not to re-check on every key of a fast typist. */
const CHECK_DEBOUNCE_MS = 150;

export interface DictionaryEditor {
  readonly element: HTMLElement;
  /** Loads a model (or a new, empty one) into the inputs and checks it. */
  readonly load: (model: EditableModel, isModelIdLocked: boolean) => void;
  /** The model as typed, for saving or exporting. */
  readonly read: () => Record<string, unknown>;
  /** Checks now; answers the problems (none: the model may be saved). */
  readonly check: () => ModelProblem[];
}

const HEADER_MEMBERS = [
  ['modelId', 'Model id', 'e.g. e0f1 (4 hex digits)'],
  ['name', 'Name', ''],
  ['maker', 'Maker', ''],
  ['kind', 'Kind', 'fryer, combi oven, …'],
] as const;

export function createDictionaryEditor(onChecked: (problems: readonly ModelProblem[]) => void): DictionaryEditor {
  const slots = createProblemSlots();
  let fieldRows: FieldRow[] = [];
  const summary = el('div', { class: 'problem-summary', 'aria-live': 'polite' });
  const body = el('tbody');

  const headerInputs = HEADER_MEMBERS.map(([member, labelText, placeholder]) => {
    const input = el('input', { id: uniqueId('model'), name: member, placeholder, class: member === 'modelId' ? 'mono' : undefined, autocomplete: 'off' });
    const message = problemMessage(input);
    input.setAttribute('aria-describedby', message.id);
    const field = el('div', { class: 'field' }, el('label', { for: input.id }, labelText), input, message);
    return { member, input, message, field };
  });

  const check = (): ModelProblem[] => {
    slots.clear();
    for (const header of headerInputs) slots.register(header.member, header.input, header.message);
    fieldRows.forEach((row, index) => row.registerProblems(index, slots));
    const problems = validateEquipmentModel(read());
    // Problems no input claims (a member the editor has no input for) are still in the summary.
    slots.show(problems);
    replaceChildren(
      summary,
      problems.length === 0
        ? el('div', { class: 'alert alert-success' }, 'The model is valid.')
        : el(
            'div',
            { class: 'alert alert-error', role: 'alert' },
            el('p', {}, problems.length === 1 ? '1 problem:' : `${problems.length} problems:`),
            el('ul', {}, ...problems.map((problem) => el('li', {}, el('span', { class: 'mono' }, problem.path === '' ? 'model' : problem.path), `: ${problem.problem}`))),
          ),
    );
    onChecked(problems);
    return problems;
  };
  const scheduled = debounce(() => void check(), CHECK_DEBOUNCE_MS);
  for (const header of headerInputs) header.input.addEventListener('input', scheduled.trigger);

  const render = (): void => replaceChildren(body, ...fieldRows.flatMap((row) => row.rows));

  const addRow = (field: Partial<DictionaryField>): FieldRow => {
    const row = createFieldRow(field, {
      onChange: scheduled.trigger,
      onMove: (moved, delta) => {
        const from = fieldRows.indexOf(moved);
        const to = from + delta;
        if (to < 0 || to >= fieldRows.length) return;
        fieldRows.splice(from, 1);
        fieldRows.splice(to, 0, moved);
        render();
        check();
      },
      onRemove: (removed) => {
        fieldRows = fieldRows.filter((candidate) => candidate !== removed);
        render();
        check();
      },
    });
    fieldRows.push(row);
    return row;
  };

  const addButton = el('button', { type: 'button' }, 'Add field');
  addButton.addEventListener('click', () => {
    const row = addRow({ class: 'telemetry', type: 'number' });
    render();
    row.focus();
    check();
  });

  const read = (): Record<string, unknown> => {
    const model: Record<string, unknown> = {};
    for (const header of headerInputs) model[header.member] = header.input.value.trim();
    model['fields'] = fieldRows.map((row) => row.read());
    return model;
  };

  const columns = ['#', 'Key', 'Label', 'Class', 'Type', 'Unit', 'Scale', 'Offset', 'Precision', 'Min', 'Max', 'HACCP', ''];
  const element = el(
    'div',
    { class: 'dictionary-editor' },
    el('div', { class: 'model-header-inputs' }, ...headerInputs.map((header) => header.field)),
    summary,
    el(
      'div',
      { class: 'table-scroll' },
      el('table', { class: 'data-table dictionary-table', 'aria-label': 'Fields' }, el('thead', {}, el('tr', {}, ...columns.map((column) => el('th', { scope: 'col' }, column)))), body),
    ),
    el('div', { class: 'button-row' }, addButton),
  );

  return {
    element,
    load: (model, isModelIdLocked) => {
      for (const header of headerInputs) {
        const value = model[header.member];
        header.input.value = typeof value === 'string' ? value : '';
      }
      const idInput = headerInputs[0]?.input;
      if (idInput !== undefined) idInput.readOnly = isModelIdLocked;
      fieldRows = [];
      for (const field of model.fields ?? []) addRow(field);
      render();
      check();
    },
    read,
    check,
  };
}
