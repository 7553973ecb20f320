// The alerts table: severity, rule, subject (a link to its device or equipment page), since when, the value, and
// who acknowledged it; each open alert's Acknowledge and Silence actions.
import type { Alert } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { deviceHref, equipmentHref } from '../hash-router.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';
import { severityBadge } from './severity-badge.js';

export interface AlertTableOptions {
  readonly onAcknowledge: (alert: Alert) => void;
  readonly onSilence: (alert: Alert) => void;
}

export interface AlertTable {
  readonly element: HTMLTableElement;
  readonly show: (alerts: readonly Alert[], emptyText: string) => void;
}

const HEADINGS = ['Severity', 'Rule', 'Subject', 'State', 'Since', 'Value', 'Acknowledged', ''];

/** An alert value as one short line. */
export function formatAlertValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number') return String(Math.round(value * 1000) / 1000);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function subjectLink(alert: Alert): HTMLElement {
  // A CWM-level alert is about the CWM itself: its device page; an equipment alert: the equipment page.
  const href = alert.subjectId === alert.cwmId ? deviceHref(alert.cwmId) : equipmentHref(alert.subjectId);
  return el('div', {}, el('a', { href, class: 'mono' }, alert.subjectId), alert.subjectId === alert.cwmId ? null : el('div', { class: 'muted small' }, 'on ', el('a', { href: deviceHref(alert.cwmId), class: 'mono' }, alert.cwmId)));
}

export function createAlertTable(options: AlertTableOptions): AlertTable {
  const body = el('tbody');
  const element = el('table', { class: 'data-table alerts-table' }, el('thead', {}, el('tr', {}, ...HEADINGS.map((heading) => el('th', { scope: 'col' }, heading)))), body);

  const renderRow = (alert: Alert): HTMLTableRowElement => {
    const since = describeMoment(alert.state === 'resolved' ? alert.resolvedAt : (alert.firedAt ?? alert.openedAt));
    const isOpen = alert.state !== 'resolved';
    const acknowledgeButton = el('button', { type: 'button' }, 'Acknowledge');
    acknowledgeButton.addEventListener('click', () => options.onAcknowledge(alert));
    const silenceButton = el('button', { type: 'button' }, 'Silence');
    silenceButton.addEventListener('click', () => options.onSilence(alert));
    const acknowledged = alert.acknowledgedAt === null
      ? (isOpen ? acknowledgeButton : el('span', { class: 'muted' }, 'no'))
      : el('div', { title: alert.acknowledgedAt }, badge(`by ${alert.acknowledgedBy ?? '-'}`, 'good'), alert.acknowledgementNote === null || alert.acknowledgementNote === '' ? null : el('div', { class: 'muted small' }, alert.acknowledgementNote));
    return el(
      'tr',
      { 'data-alert-id': alert.id },
      el('td', {}, severityBadge(alert.severity)),
      el('td', {}, el('div', {}, alert.ruleName), el('div', { class: 'muted small' }, alert.summary)),
      el('td', {}, subjectLink(alert)),
      el('td', {}, badge(alert.state, alert.state === 'firing' ? 'bad' : alert.state === 'pending' ? 'warn' : 'good')),
      el('td', { title: since.title }, since.text),
      el('td', { class: 'mono' }, formatAlertValue(alert.state === 'resolved' ? alert.clearValue : alert.triggerValue)),
      el('td', {}, acknowledged),
      el('td', { class: 'actions' }, isOpen ? silenceButton : null),
    );
  };

  return {
    element,
    show: (alerts, emptyText) => {
      replaceChildren(body, ...alerts.map(renderRow));
      if (alerts.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: HEADINGS.length, class: 'muted empty-row' }, emptyText)));
    },
  };
}
