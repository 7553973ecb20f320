// What a notification says (issue 16): the JSON a webhook receives, stored as the outbox entry's payload and
// sent unchanged on every retry, and the e-mail written from that same JSON. Alert summaries and device ids come
// from devices and operators, so every value placed in the HTML is escaped.

import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OpenTpsError } from '../../errors.js';
import { ALERT_SEVERITIES } from './alert-rule.js';
import type { AlertRecord, AlertRuleRecord } from './alert-store.js';
import type { NotificationGroup } from './notification-policy.js';

/**
 * Where the console is served below the server's public URL (src/adapters/console-http/console-static.ts), and
 * its device page's hash route (web/src/routes.ts: `#/devices/<encoded id>`).
 */
const CONSOLE_PATH = 'console/';

// A pattern, not `format: 'date-time'`: Value.Check knows only formats registered in the process.
const IsoTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' });

const NotifiedAlertSchema = Type.Object({
  id: Type.Integer(),
  state: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  subjectId: Type.String(),
  cwmId: Type.String(),
  siteId: Type.Union([Type.Integer(), Type.Null()]),
  firedAt: Type.Union([IsoTime, Type.Null()]),
  resolvedAt: Type.Union([IsoTime, Type.Null()]),
  triggerValue: Type.Unknown(),
  clearValue: Type.Unknown(),
  summary: Type.String(),
  deviceUrl: Type.String(),
});

const PayloadRuleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  severity: Type.Union(ALERT_SEVERITIES.map((severity) => Type.Literal(severity))),
  version: Type.Integer(),
});

/** The webhook body (and what the e-mail is written from): alerts of one rule, or a channel's test (no alert). */
export const NotificationPayloadSchema = Type.Union([
  Type.Object({
    type: Type.Union([Type.Literal('alert.firing'), Type.Literal('alert.resolved'), Type.Literal('alert.mixed')]),
    rule: PayloadRuleSchema,
    alerts: Type.Array(NotifiedAlertSchema, { minItems: 1 }),
    /** Alerts of the group left out of `alerts` (at most MAX_ALERTS_PER_NOTIFICATION are listed); told all the same. */
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    sentAt: IsoTime,
  }),
  // Sent by an operator from the channel's page (POST /notification-channels/:id/test).
  Type.Object({ type: Type.Literal('test'), rule: PayloadRuleSchema, alerts: Type.Array(NotifiedAlertSchema, { maxItems: 0 }), sentAt: IsoTime }),
]);

export type NotificationPayload = Static<typeof NotificationPayloadSchema>;
export type NotifiedAlert = Static<typeof NotifiedAlertSchema>;

/**
 * The console's page of a CWM, below the server's public URL (`https://host:8443/`).
 * @example deviceUrl('https://tps.example:8443/', 'CWM 1') // 'https://tps.example:8443/console/#/devices/CWM%201'
 */
export function deviceUrl(serverUrl: string, cwmId: string): string {
  return `${new URL(CONSOLE_PATH, serverUrl).href}#/devices/${encodeURIComponent(cwmId)}`;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The most alerts one notification lists (a site's outage can fire thousands at once): the rest are counted in
 * `truncatedAlerts`, as Alertmanager's `max_alerts` does, so a receiver or a mailbox gets a bounded message.
 */
export const MAX_ALERTS_PER_NOTIFICATION = 100;

/**
 * The payload telling of `group`'s alerts, in the group's order. `alerts` must hold each alert the group names
 * and `rule` must be the group's rule. @throws OpenTpsError ERR_ALERT_NOT_FOUND, ERR_ALERT_RULE_NOT_FOUND
 */
export function buildNotificationPayload(input: {
  readonly group: NotificationGroup;
  readonly alerts: readonly AlertRecord[];
  readonly rule: AlertRuleRecord;
  /** The server's public URL, e.g. `https://tps.example:8443/`: the device links start with it. */
  readonly serverUrl: string;
  readonly atMs: number;
}): NotificationPayload {
  const { group, rule } = input;
  if (rule.id !== group.ruleId) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', `the group is of rule ${group.ruleId}, not ${rule.id}`);
  const byId = new Map(input.alerts.map((alert) => [alert.id, alert]));
  const listed = group.alerts.slice(0, MAX_ALERTS_PER_NOTIFICATION);
  const alerts = listed.map((notice): NotifiedAlert => {
    const alert = byId.get(notice.alertId);
    if (alert === undefined) throw new OpenTpsError('ERR_ALERT_NOT_FOUND', `alert ${notice.alertId} of the notification group`);
    return {
      id: alert.id,
      // The state the policy decided to tell: the group was made from these records, so it is theirs.
      state: notice.state,
      subjectId: alert.subjectId,
      cwmId: alert.cwmId,
      siteId: alert.siteId,
      firedAt: isoOrNull(alert.firedAtMs),
      resolvedAt: isoOrNull(alert.resolvedAtMs),
      triggerValue: alert.triggerValue,
      clearValue: alert.clearValue,
      summary: alert.summary,
      deviceUrl: deviceUrl(input.serverUrl, alert.cwmId),
    };
  });
  const isAllFiring = group.alerts.every((alert) => alert.state === 'firing');
  const isAllResolved = group.alerts.every((alert) => alert.state === 'resolved');
  const truncated = group.alerts.length - listed.length;
  return {
    type: isAllFiring ? 'alert.firing' : isAllResolved ? 'alert.resolved' : 'alert.mixed',
    rule: { id: rule.id, name: rule.name, severity: rule.severity, version: rule.version },
    alerts,
    ...(truncated > 0 ? { truncatedAlerts: truncated } : {}),
    sentAt: new Date(input.atMs).toISOString(),
  };
}

/** The test notification of a channel: the same shape as an alert's (receivers parse one format), no alert in it. */
export function buildTestPayload(channelName: string, actor: string, atMs: number): NotificationPayload {
  return { type: 'test', rule: { id: 0, name: `Test notification to ${channelName} from ${actor}`, severity: 'warning', version: 0 }, alerts: [], sentAt: new Date(atMs).toISOString() };
}

/** A stored payload read back (an outbox entry's), or null when it is not a notification this module wrote. */
export function parseNotificationPayload(value: unknown): NotificationPayload | null {
  return Value.Check(NotificationPayloadSchema, value) ? value : null;
}

export interface NotificationEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** One line of a value for text: a subject line must not carry a line break (header injection) nor run on. */
function oneLine(text: string, maxChars: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function countsText(alerts: readonly NotifiedAlert[]): string {
  const firing = alerts.filter((alert) => alert.state === 'firing').length;
  const resolved = alerts.length - firing;
  return [firing > 0 ? `${firing} firing` : '', resolved > 0 ? `${resolved} resolved` : ''].filter((part) => part !== '').join(', ');
}

function alertLines(alert: NotifiedAlert): string[] {
  const where = alert.subjectId === alert.cwmId ? `device ${alert.cwmId}` : `${alert.subjectId} on device ${alert.cwmId}`;
  const site = alert.siteId === null ? '' : `, site ${alert.siteId}`;
  const when = alert.state === 'firing' ? `since ${alert.firedAt ?? 'now'}` : `at ${alert.resolvedAt ?? 'now'}`;
  const value = alert.state === 'firing' ? valueText(alert.triggerValue) : valueText(alert.clearValue);
  return [
    `${alert.state.toUpperCase()} ${when}: ${oneLine(alert.summary, 500)}`,
    `  ${where}${site}${value === '' ? '' : `; value ${oneLine(value, 200)}`}`,
    `  ${alert.deviceUrl}`,
  ];
}

function alertHtml(alert: NotifiedAlert): string {
  const subject = alert.subjectId === alert.cwmId ? '' : `${escapeHtml(alert.subjectId)} on `;
  const when = alert.state === 'firing' ? alert.firedAt : alert.resolvedAt;
  const value = alert.state === 'firing' ? valueText(alert.triggerValue) : valueText(alert.clearValue);
  return (
    '<tr>' +
    `<td>${alert.state === 'firing' ? 'FIRING' : 'RESOLVED'}</td>` +
    `<td>${escapeHtml(when ?? '')}</td>` +
    `<td>${subject}<a href="${escapeHtml(alert.deviceUrl)}">${escapeHtml(alert.cwmId)}</a></td>` +
    `<td>${alert.siteId === null ? '' : String(alert.siteId)}</td>` +
    `<td>${escapeHtml(alert.summary)}</td>` +
    `<td>${escapeHtml(value)}</td>` +
    '</tr>'
  );
}

/**
 * The e-mail telling of a notification: a subject naming the rule, its severity and how many alerts fire or
 * resolved, and the same list as plain text and as HTML (values escaped), each alert linking to its device.
 */
export function renderEmail(payload: NotificationPayload): NotificationEmail {
  const { rule, alerts } = payload;
  if (payload.type === 'test') {
    const line = `${oneLine(rule.name, 200)}: this channel works.`;
    return { subject: `[OpenTPS] ${oneLine(rule.name, 120)}`, text: `${line}\n\nSent ${payload.sentAt} by OpenTPS.\n`, html: `<!doctype html><html><body><p>${escapeHtml(line)}</p><p>Sent ${escapeHtml(payload.sentAt)} by OpenTPS.</p></body></html>` };
  }
  const headline = payload.type === 'alert.firing' ? 'FIRING' : payload.type === 'alert.resolved' ? 'RESOLVED' : 'CHANGED';
  const more = payload.truncatedAlerts ?? 0;
  const moreText = more > 0 ? `${more} more not listed here; see the console's Alerts page.` : '';
  const counts = `${countsText(alerts)}${more > 0 ? `, ${more} more` : ''}`;
  const subject = `[OpenTPS ${rule.severity}] ${headline}: ${oneLine(rule.name, 120)} (${counts})`;
  const intro = `Alert rule "${oneLine(rule.name, 200)}" (${rule.severity}, rule ${rule.id} version ${rule.version}): ${counts}.`;
  const text = [intro, '', ...alerts.flatMap((alert) => [...alertLines(alert), '']), ...(more > 0 ? [moreText, ''] : []), `Sent ${payload.sentAt} by OpenTPS.`, ''].join('\n');
  const html =
    '<!doctype html><html><body>' +
    `<p>Alert rule <strong>${escapeHtml(rule.name)}</strong> (${escapeHtml(rule.severity)}, rule ${rule.id} version ${rule.version}): ${escapeHtml(counts)}.</p>` +
    '<table border="1" cellpadding="4" cellspacing="0">' +
    '<thead><tr><th>State</th><th>Since</th><th>Device</th><th>Site</th><th>Summary</th><th>Value</th></tr></thead>' +
    `<tbody>${alerts.map(alertHtml).join('')}</tbody></table>` +
    (more > 0 ? `<p>${escapeHtml(moreText)}</p>` : '') +
    `<p>Sent ${escapeHtml(payload.sentAt)} by OpenTPS.</p>` +
    '</body></html>';
  return { subject, text, html };
}
