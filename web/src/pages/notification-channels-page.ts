// Notification channels (issue 16): each channel with where it sends, its last success and failure; Enable or
// Disable, Delete; its recent notifications with their state, attempts and last error (failures visible here).
import { alertsSectionNav } from '../alerts/alerts-nav.js';
import { createChannelForm } from '../alerts/channel-form.js';
import type { Channel } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import type { Page, PageContext } from '../page.js';
import { badge } from '../status-badge.js';
import { describeMoment, formatTimestamp } from '../time-format.js';


/** What a notification told of, from its payload (notification-message.ts): the rule and how many alerts, or the test. */
function aboutOf(payload: Readonly<Record<string, unknown>>, messageId: string): string {
  const rule = payload['rule'];
  const name = typeof rule === 'object' && rule !== null && 'name' in rule && typeof rule.name === 'string' ? rule.name : null;
  if (name === null) return messageId;
  if (payload['type'] === 'test') return name;
  const alerts = Array.isArray(payload['alerts']) ? payload['alerts'].length : 0;
  const kind = typeof payload['type'] === 'string' ? payload['type'].replace('alert.', '') : 'alert';
  return `${name}: ${alerts} ${alerts === 1 ? 'alert' : 'alerts'} ${kind}`;
}

export function createNotificationChannelsPage(context: PageContext): Page {
  const { api } = context;
  const errorArea = el('div');
  const body = el('tbody');
  const table = el('table', { class: 'data-table channels-table' }, el('thead', {}, el('tr', {}, ...['Channel', 'Sends to', 'State', 'Last success', 'Last failure', ''].map((text) => el('th', { scope: 'col' }, text)))), body);
  const notificationsArea = el('section', { class: 'card', hidden: true });

  const showNotifications = async (channel: Channel): Promise<void> => {
    notificationsArea.hidden = false;
    try {
      const page = await api.alerts.listNotifications(channel.id);
      const rows = page.items.map((entry) => el(
        'tr',
        {},
        el('td', {}, formatTimestamp(entry.createdAt)),
        el('td', {}, badge(entry.state, entry.state === 'delivered' ? 'good' : entry.state === 'failed' ? 'bad' : 'info')),
        el('td', { class: 'numeric' }, entry.attempts),
        el('td', { class: 'mono small' }, entry.lastError ?? ''),
        el('td', { class: 'muted small' }, aboutOf(entry.payload, entry.messageId)),
      ));
      replaceChildren(
        notificationsArea,
        el('h2', {}, `Notifications of ${channel.name}`),
        el('p', { class: 'muted' }, `${page.total} in all; newest first.`),
        el('table', { class: 'data-table notifications-table' }, el('thead', {}, el('tr', {}, ...['Created', 'State', 'Attempts', 'Last error', 'About'].map((text) => el('th', { scope: 'col' }, text)))), el('tbody', {}, ...rows)),
      );
      if (rows.length === 0) notificationsArea.appendChild(el('p', { class: 'muted' }, 'No notifications yet.'));
    } catch (error) {
      replaceChildren(notificationsArea, errorBox(error));
    }
  };

  const renderRow = (channel: Channel): HTMLTableRowElement => {
    const toggleButton = el('button', { type: 'button', class: 'small' }, channel.isEnabled ? 'Disable' : 'Enable');
    toggleButton.addEventListener('click', () => {
      api.alerts.setChannelEnabled(channel.id, !channel.isEnabled).then(load).catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));
    });
    const notificationsButton = el('button', { type: 'button', class: 'small' }, 'Notifications');
    notificationsButton.addEventListener('click', () => void showNotifications(channel));
    const testButton = el('button', { type: 'button', class: 'small' }, 'Send test');
    testButton.addEventListener('click', () => {
      api.alerts.sendTest(channel.id).then(() => showNotifications(channel)).catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));
    });
    const deleteButton = el('button', { type: 'button', class: 'small' }, 'Delete');
    deleteButton.addEventListener('click', () => {
      if (!window.confirm(`Delete the channel ${channel.name}? Its undelivered notifications go with it.`)) return;
      api.alerts.removeChannel(channel.id).then(load).catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));
    });
    const success = describeMoment(channel.lastSuccessAt);
    const failure = describeMoment(channel.lastFailureAt);
    return el(
      'tr',
      {},
      el('td', {}, channel.name, el('div', { class: 'muted small' }, `${channel.kind}, ${channel.minSeverity} and up`)),
      el('td', { class: 'mono small' }, channel.kind === 'webhook' ? (channel.url ?? '') : `${channel.to.join(', ')} via ${channel.smtpHost ?? ''}:${channel.smtpPort ?? ''}`),
      el('td', {}, channel.isEnabled ? badge('enabled', 'good') : badge('disabled', 'neutral')),
      el('td', { title: success.title }, channel.lastSuccessAt === null ? '-' : success.text),
      el('td', { title: failure.title }, channel.lastFailureAt === null ? '-' : el('div', {}, badge(failure.text, 'bad'), el('div', { class: 'mono small' }, channel.lastFailure ?? ''))),
      el('td', { class: 'actions' }, notificationsButton, testButton, toggleButton, deleteButton),
    );
  };

  async function load(): Promise<void> {
    try {
      const channels = await api.alerts.listChannels();
      replaceChildren(errorArea);
      replaceChildren(body, ...channels.map(renderRow));
      if (channels.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: 6, class: 'muted empty-row' }, 'No channels yet.')));
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  }
  void load();

  const form = createChannelForm({ create: (channel) => api.alerts.createChannel(channel), onCreated: () => void load() });
  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Notification channels')),
    alertsSectionNav('notification-channels'),
    el('div', { class: 'two-columns' }, el('div', {}, el('section', { class: 'card' }, errorArea, el('div', { class: 'table-scroll' }, table)), notificationsArea), form),
  );
  return { element, dispose: () => undefined };
}
