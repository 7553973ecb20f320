// A modal form for one alert action (acknowledge with a note, silence for some hours with a reason): a native
// <dialog>, so focus, Escape and the backdrop behave as the browser makes them, and the answer's errors stay in it.
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';

export interface ActionDialogOptions {
  readonly title: string;
  readonly fields: readonly HTMLElement[];
  readonly submitLabel: string;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  readonly submit: () => Promise<void>;
}

/** Opens the dialog; it removes itself when closed. */
export function openActionDialog(options: ActionDialogOptions): HTMLDialogElement {
  const errorArea = el('div');
  const submitButton = el('button', { type: 'submit', class: 'primary' }, options.submitLabel);
  const cancelButton = el('button', { type: 'button' }, 'Cancel');
  const form = el('form', { class: 'dialog-form' }, el('h2', {}, options.title), ...options.fields, errorArea, el('div', { class: 'button-row' }, submitButton, cancelButton));
  const dialog = el('dialog', { class: 'action-dialog', 'aria-label': options.title }, form);
  cancelButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitButton.disabled = true;
    options
      .submit()
      .then(() => dialog.close())
      .catch((error: unknown) => replaceChildren(errorArea, errorBox(error)))
      .finally(() => {
        submitButton.disabled = false;
      });
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}
