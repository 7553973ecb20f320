// The add-device form: POST /api/v1/devices, then shows the provisioning key exactly once.
import type { ApiClient } from '../api-client.js';
import type { Device } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField } from '../form-field.js';

export function createAddDeviceForm(api: ApiClient, onAdded: (device: Device) => void): HTMLElement {
  const idInput = el('input', { name: 'id', required: true, maxlength: 64, class: 'mono', placeholder: '0002…', autocomplete: 'off' });
  const nameInput = el('input', { name: 'name', maxlength: 200, autocomplete: 'off' });
  const keyInput = el('input', { name: 'key', minlength: 8, maxlength: 256, class: 'mono', autocomplete: 'off' });
  const submitButton = el('button', { type: 'submit', class: 'primary' }, 'Add device');
  const result = el('div', { 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'inline-form', 'aria-label': 'Add a device' },
    labeledField('CWM id', idInput),
    labeledField('Name (optional)', nameInput),
    labeledField('Key (optional)', keyInput, 'Leave empty to generate one.'),
    el('div', { class: 'field field-action' }, submitButton),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitButton.disabled = true;
    replaceChildren(result);
    api
      .addDevice(idInput.value.trim(), nameInput.value.trim(), keyInput.value)
      .then((created) => {
        form.reset();
        replaceChildren(result, keyNotice(created.device.id, created.key, () => replaceChildren(result)));
        onAdded(created.device);
      })
      .catch((error: unknown) => replaceChildren(result, errorBox(error)))
      .finally(() => {
        submitButton.disabled = false;
      });
  });

  return el('section', { class: 'card' }, el('h2', {}, 'Add a device'), form, result);
}

/** The key is never shown again by the server, so the notice stays until the operator dismisses it. */
function keyNotice(deviceId: string, key: string, onDismiss: () => void): HTMLElement {
  const keyOutput = el('input', { readonly: true, value: key, class: 'mono key-output', 'aria-label': `Provisioning key of ${deviceId}` });
  const copyButton = el('button', { type: 'button' }, 'Copy');
  const dismissButton = el('button', { type: 'button' }, 'I have saved the key');
  copyButton.addEventListener('click', () => {
    keyOutput.select();
    void navigator.clipboard?.writeText(key).then(() => {
      copyButton.textContent = 'Copied';
    });
  });
  dismissButton.addEventListener('click', onDismiss);
  return el(
    'div',
    { class: 'alert alert-success', role: 'status' },
    el('p', {}, 'Device ', el('strong', { class: 'mono' }, deviceId), ' added. Its provisioning key is shown only this once:'),
    el('div', { class: 'key-row' }, keyOutput, copyButton, dismissButton),
  );
}
