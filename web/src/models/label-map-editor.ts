// A small editor of labels: key = label pairs (enum values, bit indexes) or a list of labels by position
// (items of a json array). Each entry is one line with a remove button; "Add" appends an empty one.
import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import { problemMessage, type ProblemSlots } from './problem-slots.js';

export type LabelMapKind = 'enum' | 'bitmask' | 'items';

interface Entry {
  readonly element: HTMLElement;
  readonly keyInput: HTMLInputElement | null;
  readonly labelInput: HTMLInputElement;
  readonly message: HTMLElement;
}

export interface LabelMapEditor {
  readonly element: HTMLElement;
  readonly read: () => Record<string, string> | string[];
  readonly set: (labels: Readonly<Record<string, string>> | readonly string[] | undefined) => void;
  /** Registers the entries under `path` (`fields[3].enumLabels`). */
  readonly registerProblems: (path: string, slots: ProblemSlots) => void;
}

const TITLES: Readonly<Record<LabelMapKind, string>> = {
  enum: 'Enum labels (raw value = label)',
  bitmask: 'Bit labels (bit 0-31 = label)',
  items: 'Item labels (by position)',
};

export function createLabelMapEditor(kind: LabelMapKind, onChange: () => void): LabelMapEditor {
  const entries: Entry[] = [];
  const list = el('div', { class: 'label-map-entries' });
  const addButton = el('button', { type: 'button', class: 'small' }, kind === 'items' ? 'Add item label' : kind === 'enum' ? 'Add value' : 'Add bit');
  const wholeMessage = el('div', { class: 'field-problem' });
  const element = el('div', { class: 'label-map', 'data-kind': kind }, el('div', { class: 'label-map-title' }, TITLES[kind]), list, addButton, wholeMessage);

  const render = (): void => replaceChildren(list, ...entries.map((entry) => entry.element));

  const addEntry = (key: string, label: string): Entry => {
    const id = uniqueId('label');
    const keyInput = kind === 'items' ? null : el('input', { class: 'label-key mono', value: key, 'aria-label': kind === 'enum' ? 'Raw value' : 'Bit', size: 6, id: `${id}-key` });
    const labelInput = el('input', { class: 'label-text', value: label, 'aria-label': 'Label', id: `${id}-label` });
    const removeButton = el('button', { type: 'button', class: 'small link-button', 'aria-label': 'Remove this label' }, '×');
    const message = problemMessage(labelInput);
    const element = el('div', { class: 'label-map-entry' }, keyInput, keyInput === null ? null : el('span', { class: 'muted' }, '='), labelInput, removeButton, message);
    const entry: Entry = { element, keyInput, labelInput, message };
    for (const input of [keyInput, labelInput]) input?.addEventListener('input', onChange);
    removeButton.addEventListener('click', () => {
      entries.splice(entries.indexOf(entry), 1);
      render();
      onChange();
    });
    entries.push(entry);
    return entry;
  };

  addButton.addEventListener('click', () => {
    const entry = addEntry(kind === 'bitmask' ? String(entries.length) : '', '');
    render();
    (entry.keyInput ?? entry.labelInput).focus();
    onChange();
  });

  return {
    element,
    read: () => {
      if (kind === 'items') return entries.map((entry) => entry.labelInput.value);
      const labels: Record<string, string> = {};
      for (const entry of entries) labels[entry.keyInput?.value.trim() ?? ''] = entry.labelInput.value;
      return labels;
    },
    set: (labels) => {
      entries.length = 0;
      if (Array.isArray(labels)) for (const label of labels) addEntry('', label);
      else if (labels !== undefined) for (const [key, label] of Object.entries(labels)) addEntry(key, label);
      render();
    },
    registerProblems: (path, slots) => {
      slots.register(path, addButton, wholeMessage);
      entries.forEach((entry, index) => {
        const entryPath = kind === 'items' ? `${path}[${index}]` : `${path}[${JSON.stringify(entry.keyInput?.value.trim() ?? '')}]`;
        slots.register(entryPath, entry.keyInput ?? entry.labelInput, entry.message);
      });
    },
  };
}
