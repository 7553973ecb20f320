// The Port command (seed document): when the OKE's port or baud differs from the simulator cable used for
// the setup, queue {"oke":{"port":..,"baud":..}} to the CWM itself (_dst ["<CWM id>"], _cmd wr).
import type { ApiClient } from '../api-client.js';
import { OKE_BAUDS, OKE_PORTS, OKE_PORT_LABELS, okePortMessage, type OkePort } from '../device/message-templates.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';
import { deviceHref } from '../hash-router.js';

export interface PortCommandHelper {
  readonly element: HTMLElement;
  /** Fills the CWM id (from the first request that arrived) unless the operator typed one. */
  readonly suggestCwmId: (cwmId: string) => void;
}

export function createPortCommandHelper(api: ApiClient): PortCommandHelper {
  const cwmInput = el('input', { name: 'cwm-id', class: 'mono', autocomplete: 'off', placeholder: '0002…', maxlength: 64 });
  const portSelect = selectOf('port', OKE_PORTS.map((port) => [port, `${port} (${OKE_PORT_LABELS[port]})`] as const), '232');
  const baudSelect = selectOf('baud', OKE_BAUDS.map((baud) => [String(baud), String(baud)] as const), '115200');
  const preview = el('pre', { class: 'json-block', 'aria-label': 'Message to be queued' });
  const sendButton = el('button', { type: 'submit', class: 'primary' }, 'Queue the Port command');
  const result = el('div', { 'aria-live': 'polite' });
  let isCwmTyped = false;

  const message = () => okePortMessage(cwmInput.value.trim() || 'CWMDEVID', (OKE_PORTS.find((port) => port === portSelect.value) ?? '232') as OkePort, Number(baudSelect.value));
  const render = (): void => {
    const m = message();
    preview.textContent = `_dst  ${JSON.stringify(m.destination)}\n_cmd  ${m.cmd}\n_pld  ${JSON.stringify(m.payload)}`;
  };
  cwmInput.addEventListener('input', () => {
    isCwmTyped = true;
    render();
  });
  portSelect.addEventListener('change', render);
  baudSelect.addEventListener('change', render);
  render();

  const form = el(
    'form',
    { class: 'port-form', 'aria-label': 'Port command' },
    labeledField('CWM id', cwmInput, 'The CWM itself, not the OKE.'),
    labeledField('OKE port', portSelect),
    labeledField('Baud', baudSelect),
    el('div', { class: 'field field-action' }, sendButton),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const cwmId = cwmInput.value.trim();
    if (cwmId === '') {
      replaceChildren(result, errorBox(new Error('Enter the CWM id first (it shows in the requests above once the CWM calls).')));
      return;
    }
    sendButton.disabled = true;
    api
      .sendMessage(cwmId, message())
      .then((queued) => replaceChildren(result, el('div', { class: 'alert alert-success', role: 'status' }, `Queued as message ${queued.id} (_id ${queued.okmId ?? '?'}); the CWM gets it on its next pull. `, el('a', { href: deviceHref(cwmId) }, 'Follow it on the device page'))))
      .catch((error: unknown) => replaceChildren(result, errorBox(error)))
      .finally(() => {
        sendButton.disabled = false;
      });
  });

  return {
    element: el('div', {}, form, preview, result),
    suggestCwmId: (cwmId) => {
      if (isCwmTyped || cwmInput.value === cwmId) return;
      cwmInput.value = cwmId;
      render();
    },
  };
}
