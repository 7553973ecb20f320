// Tags as removable chips with an input to add one; every change is saved at once (the list replaces the old).
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField } from '../form-field.js';

export interface TagsEditor {
  readonly element: HTMLElement;
  readonly show: (tags: readonly string[]) => void;
}

/** `save` stores the whole list and answers it as stored (normalised by the server). */
export function createTagsEditor(save: (tags: readonly string[]) => Promise<readonly string[]>): TagsEditor {
  let tags: readonly string[] = [];
  let isSaving = false;
  const chips = el('ul', { class: 'tag-chips', 'aria-label': 'Tags' });
  const input = el('input', { name: 'tag', autocomplete: 'off', placeholder: 'e.g. kitchen-2', maxlength: 64 });
  const addButton = el('button', { type: 'submit' }, 'Add tag');
  const status = el('div', { role: 'status', class: 'muted small' });
  const errorArea = el('div');
  const form = el('form', { class: 'tag-form', 'aria-label': 'Add a tag' }, labeledField('New tag', input), addButton);

  const render = (): void => {
    replaceChildren(chips, ...tags.map(renderChip));
    if (tags.length === 0) chips.appendChild(el('li', { class: 'muted' }, 'No tags.'));
  };

  const renderChip = (tag: string): HTMLLIElement => {
    const remove = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove tag ${tag}`, title: `Remove ${tag}` }, '×');
    remove.addEventListener('click', () => void store(tags.filter((candidate) => candidate !== tag), `Removed ${tag}.`));
    return el('li', { class: 'tag-chip' }, el('span', {}, tag), remove);
  };

  const store = async (next: readonly string[], doneText: string): Promise<boolean> => {
    if (isSaving) return false;
    isSaving = true;
    addButton.disabled = true;
    replaceChildren(errorArea);
    try {
      tags = await save(next);
      status.textContent = doneText;
      render();
      return true;
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
      return false;
    } finally {
      isSaving = false;
      addButton.disabled = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const tag = input.value.trim();
    if (tag === '' || tags.includes(tag)) return;
    void store([...tags, tag], `Added ${tag}.`).then((isSaved) => {
      if (isSaved) input.value = '';
    });
  });

  const element = el('section', { class: 'card', 'aria-labelledby': 'tags-title' }, el('h2', { id: 'tags-title' }, 'Tags'), chips, form, status, errorArea);
  render();
  return {
    element,
    show: (next) => {
      // A refresh must not undo a save in flight.
      if (isSaving) return;
      tags = [...next];
      render();
    },
  };
}
