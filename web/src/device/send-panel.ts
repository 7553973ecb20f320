// The send panel: typed forms for ping, OKE port and relay, next to the raw JSON editor.
import type { NewMessage } from '../api-model.js';
import { el } from '../dom-builder.js';
import { labeledField, selectOf } from '../form-field.js';
import type { MessageSender } from './message-sender.js';
import {
  OKE_BAUDS,
  OKE_PORTS,
  OKE_PORT_LABELS,
  okePortMessage,
  pingMessage,
  relayMessage,
  type OkePort,
} from './message-templates.js';
import { createRawMessageEditor, type RawMessageEditor } from './raw-message-editor.js';

export interface SendPanelOptions {
  readonly cwmId: string;
  readonly okeIds: readonly string[];
  readonly sender: MessageSender;
}

export function createSendPanel(options: SendPanelOptions): HTMLElement {
  const rawEditor = createRawMessageEditor(options.cwmId, options.sender);
  return el(
    'section',
    { class: 'card', id: 'send', 'aria-labelledby': 'send-title' },
    el('h2', { id: 'send-title' }, 'Send a message'),
    el(
      'div',
      { class: 'send-grid' },
      pingForm(options, rawEditor),
      okePortForm(options, rawEditor),
      relayForm(options, rawEditor),
      rawEditor.element,
    ),
  );
}

function commandForm(
  title: string,
  description: string,
  controls: readonly HTMLElement[],
  buildMessage: () => NewMessage,
  options: SendPanelOptions,
  rawEditor: RawMessageEditor,
): HTMLFormElement {
  const sendButton = el('button', { type: 'submit', class: 'primary' }, 'Send');
  const editButton = el('button', { type: 'button', title: 'Copy this message into the raw JSON editor' }, 'Edit as JSON');
  const status = el('div', { 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'command-form', 'aria-label': title },
    el('h3', {}, title),
    el('p', { class: 'muted small' }, description),
    ...controls,
    el('div', { class: 'button-row' }, sendButton, editButton),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void options.sender.send(buildMessage(), sendButton, status);
  });
  editButton.addEventListener('click', () => rawEditor.load(buildMessage()));
  return form;
}

function targetOptions(options: SendPanelOptions, includeCwm: boolean): (readonly [string, string])[] {
  const okes = options.okeIds.map((id) => [id, includeCwm ? `OKE ${id}` : id] as const);
  return includeCwm ? [[options.cwmId, `CWM ${options.cwmId}`], ...okes] : okes;
}

function pingForm(options: SendPanelOptions, rawEditor: RawMessageEditor): HTMLFormElement {
  const target = selectOf('target', targetOptions(options, true), options.okeIds[0] ?? options.cwmId);
  return commandForm(
    'Ping',
    'Reads {"_ping":true} from an OKE or from the CWM.',
    [labeledField('Ping target', target)],
    () => pingMessage(target.value, options.cwmId),
    options,
    rawEditor,
  );
}

function okePortForm(options: SendPanelOptions, rawEditor: RawMessageEditor): HTMLFormElement {
  const port = selectOf('port', OKE_PORTS.map((value) => [value, OKE_PORT_LABELS[value]] as const), 'usb');
  const baud = selectOf('baud', OKE_BAUDS.map((value) => [String(value), String(value)] as const), '115200');
  return commandForm(
    'OKE port',
    'Sets the serial port and baud the CWM uses to reach its OKE (cmd wr to the CWM).',
    [el('div', { class: 'field-pair' }, labeledField('Port', port), labeledField('Baud', baud))],
    () => okePortMessage(options.cwmId, OKE_PORTS.find((value): value is OkePort => value === port.value) ?? 'usb', Number(baud.value)),
    options,
    rawEditor,
  );
}

function relayForm(options: SendPanelOptions, rawEditor: RawMessageEditor): HTMLFormElement {
  const target = selectOf('target', targetOptions(options, false));
  const state = selectOf('relay', [['1', 'On'], ['0', 'Off']], '1');
  if (options.okeIds.length === 0) {
    target.appendChild(el('option', { value: '', disabled: true, selected: true }, 'No OKE reported yet'));
  }
  const form = commandForm(
    'Relay',
    'Switches the relay of one OKE: {"cmd":{"relay":1|0}}, cmd wr.',
    [el('div', { class: 'field-pair' }, labeledField('Relay OKE', target), labeledField('Relay state', state))],
    () => relayMessage(target.value, options.cwmId, state.value === '1'),
    options,
    rawEditor,
  );
  if (options.okeIds.length === 0) {
    for (const button of form.querySelectorAll('button')) button.disabled = true;
  }
  return form;
}
