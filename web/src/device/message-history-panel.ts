// The message history of one CWM, newest first, with states, results and a cancel button while pending.
import type { ApiClient } from '../api-client.js';
import type { Message } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { badge } from '../status-badge.js';
import { formatTimestamp } from '../time-format.js';
import { compactJson } from './json-view.js';

export interface MessageHistoryPanel {
  readonly element: HTMLElement;
  readonly refresh: () => Promise<void>;
}

export function createMessageHistoryPanel(api: ApiClient, cwmId: string): MessageHistoryPanel {
  const body = el('tbody');
  const listErrorArea = el('div');
  const actionErrorArea = el('div');
  const refreshButton = el('button', { type: 'button' }, 'Refresh');
  const table = el(
    'table',
    { class: 'data-table messages-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['Id', 'Created', 'Destination', 'Cmd', 'Payload', 'State', 'Deliveries', 'Answered', 'Result', 'Expires', ''].map((label) =>
          el('th', { scope: 'col' }, label === '' ? el('span', { class: 'visually-hidden' }, 'Actions') : label),
        ),
      ),
    ),
    body,
  );
  const element = el(
    'section',
    { class: 'card', id: 'messages', 'aria-labelledby': 'messages-title' },
    el('div', { class: 'card-header' }, el('h2', { id: 'messages-title' }, 'Message history'), refreshButton),
    listErrorArea,
    actionErrorArea,
    el('div', { class: 'table-scroll' }, table),
  );

  const cancel = async (message: Message, button: HTMLButtonElement): Promise<void> => {
    button.disabled = true;
    try {
      await api.cancelMessage(message.id);
      replaceChildren(actionErrorArea);
    } catch (error) {
      replaceChildren(actionErrorArea, errorBox(error));
    }
    await refresh();
  };

  const renderRow = (message: Message): HTMLTableRowElement => {
    const isCancellable = message.state === 'queued' || message.state === 'delivered';
    let actions: HTMLElement | null = null;
    if (isCancellable) {
      const cancelButton = el('button', { type: 'button', class: 'danger small', 'aria-label': `Cancel message ${message.id}` }, 'Cancel');
      cancelButton.addEventListener('click', () => void cancel(message, cancelButton));
      actions = cancelButton;
    }
    return el(
      'tr',
      {},
      el('td', { class: 'mono' }, message.id, message.okmId === null ? null : el('div', { class: 'muted small' }, `_id ${message.okmId}`)),
      el('td', { class: 'nowrap' }, formatTimestamp(message.createdAt)),
      el('td', { class: 'mono small' }, message.destination.join(' → ')),
      el('td', { class: 'mono' }, message.cmd),
      el('td', { class: 'mono small json-cell' }, compactJson(message.payload)),
      el('td', {}, badge(message.state)),
      el('td', { class: 'numeric', title: message.deliveredAt === null ? 'not delivered' : `last ${formatTimestamp(message.deliveredAt)}` }, message.deliveryCount),
      el('td', { class: 'nowrap' }, formatTimestamp(message.answeredAt)),
      el('td', { class: 'mono small json-cell' }, compactJson(message.result)),
      el('td', { class: 'nowrap' }, formatTimestamp(message.expiresAt)),
      el('td', {}, actions),
    );
  };

  const refresh = async (): Promise<void> => {
    try {
      const messages = await api.listMessages(cwmId);
      replaceChildren(listErrorArea);
      replaceChildren(body, ...messages.map(renderRow));
      if (messages.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: 11, class: 'muted empty-row' }, 'No messages yet.')));
    } catch (error) {
      replaceChildren(listErrorArea, errorBox(error));
    }
  };
  refreshButton.addEventListener('click', () => void refresh());

  return { element, refresh };
}
