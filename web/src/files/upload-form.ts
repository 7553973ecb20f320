// Uploading a file to the store, with a progress bar: the bytes go as the request body, streamed by the server.
import type { ApiClient } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField } from '../form-field.js';
import { formatBytes, type StoredFile } from './file-model.js';

export function createUploadForm(api: ApiClient, onUploaded: (file: StoredFile) => void): HTMLElement {
  const fileInput = el('input', { type: 'file', name: 'file', required: true });
  const nameInput = el('input', { type: 'text', name: 'name', placeholder: 'default: the file’s own name', autocomplete: 'off', pattern: '[A-Za-z0-9_\\-][A-Za-z0-9._\\-]{0,127}' });
  const replaceBox = el('input', { type: 'checkbox', name: 'replace' });
  const progress = el('progress', { max: 100, value: 0, class: 'upload-progress', hidden: true, 'aria-label': 'Upload progress' });
  const progressText = el('span', { class: 'muted small', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Upload');
  const messageArea = el('div');
  const form = el(
    'form',
    { class: 'card upload-form', 'aria-labelledby': 'upload-title' },
    el('h2', { id: 'upload-title' }, 'Upload a file'),
    el('div', { class: 'field-pair' }, labeledField('File', fileInput), labeledField('Name on the server', nameInput, 'Letters, digits, ".", "_" and "-"; served at /files/<name> and /<name>.')),
    el('label', { class: 'checkbox-label' }, replaceBox, 'Replace a file of the same name'),
    el('div', { class: 'button-row' }, submit, progress, progressText),
    messageArea,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = fileInput.files?.[0];
    if (chosen === undefined) return;
    const name = nameInput.value.trim() === '' ? chosen.name : nameInput.value.trim();
    submit.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    replaceChildren(messageArea);
    api
      .uploadFile(name, chosen, replaceBox.checked, (sent, total) => {
        progress.value = total > 0 ? (sent / total) * 100 : 0;
        progressText.textContent = `${formatBytes(sent)} of ${formatBytes(total)}`;
      })
      .then((file) => {
        replaceChildren(messageArea, el('div', { class: 'alert alert-success', role: 'status' }, `Uploaded ${file.name} (${formatBytes(file.size)}, MD5 ${file.md5}).`));
        form.reset();
        onUploaded(file);
      })
      .catch((error: unknown) => replaceChildren(messageArea, errorBox(error)))
      .finally(() => {
        submit.disabled = false;
        progress.hidden = true;
        progressText.textContent = '';
      });
  });
  return form;
}
