// The raw JSON editor: _dst, _cmd and _pld typed by the operator, validated before anything is sent.
import type { NewMessage } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { labeledField, selectOf } from '../form-field.js';
import type { MessageSender } from './message-sender.js';
import { validateRawMessage } from './message-validation.js';

export interface RawMessageEditor {
  readonly element: HTMLFormElement;
  /** Fills the editor with a message, e.g. one built by a typed form, for the operator to adjust. */
  readonly load: (message: NewMessage) => void;
}

export function createRawMessageEditor(cwmId: string, sender: MessageSender): RawMessageEditor {
  const destination = el('input', { name: 'dst', class: 'mono', spellcheck: false, autocomplete: 'off' });
  destination.value = JSON.stringify([cwmId]);
  const cmd = selectOf('cmd', [['rd', 'rd (read)'], ['wr', 'wr (write)']], 'rd');
  const payload = el('textarea', { name: 'pld', class: 'mono', rows: 5, spellcheck: false });
  payload.value = JSON.stringify({ _ping: true });
  const ttl = el('input', { name: 'ttl', type: 'number', min: 1, max: 31_536_000, step: 1, placeholder: 'server default' });
  const sendButton = el('button', { type: 'submit', class: 'primary' }, 'Validate and send');
  const status = el('div', { 'aria-live': 'polite' });

  const element = el(
    'form',
    { class: 'command-form raw-editor', 'aria-label': 'Raw JSON message', novalidate: true },
    el('h3', {}, 'Raw JSON'),
    el('p', { class: 'muted small' }, 'Any message: the CWM must be last in _dst.'),
    labeledField('_dst (JSON array)', destination, `e.g. ["<OKE id>","${cwmId}"]`),
    el('div', { class: 'field-pair' }, labeledField('_cmd', cmd), labeledField('TTL in seconds (optional)', ttl)),
    labeledField('_pld (JSON object)', payload),
    el('div', { class: 'button-row' }, sendButton),
    status,
  );

  element.addEventListener('submit', (event) => {
    event.preventDefault();
    const verdict = validateRawMessage(
      { destinationText: destination.value, cmd: cmd.value, payloadText: payload.value, ttlText: ttl.value },
      cwmId,
    );
    if (!verdict.isValid) {
      replaceChildren(
        status,
        el('div', { class: 'alert alert-error', role: 'alert' }, el('ul', {}, ...verdict.errors.map((error) => el('li', {}, error)))),
      );
      return;
    }
    void sender.send(verdict.message, sendButton, status);
  });

  return {
    element,
    load: (message) => {
      destination.value = JSON.stringify(message.destination);
      cmd.value = message.cmd;
      payload.value = JSON.stringify(message.payload, null, 2);
      ttl.value = message.ttlSeconds === undefined ? '' : String(message.ttlSeconds);
      replaceChildren(status);
      payload.focus();
    },
  };
}
