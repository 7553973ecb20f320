// /api/v1/alerts and /api/v1/silences (issue 16): open and past alerts, filtered and paged in the store;
// acknowledging one with a note; counts for the console's badges; silences. Every change is audited.

import type { EventBus } from '../../domain/event-bus.js';
import type { AlertRecord, AlertStore, AlertState, SilenceRecord } from '../../domain/alerts/alert-store.js';
import type { SilenceDirectory } from '../../domain/alerts/silence-directory.js';
import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import { OpenTpsError } from '../../errors.js';
import type { AdminApi } from './admin-api-instance.js';
import { isoOrNull } from './api-views.js';
import { errorResponses, NoContent } from './schemas/common-schemas.js';
import {
  AcknowledgeBody, ALERT_PAGE_DEFAULT_LIMIT, AlertBadgesSchema, AlertCountsSchema, AlertIdParams, AlertListQuery, AlertPageSchema, AlertSchema, BadgeQuery, MAX_BADGE_IDS,
  NewSilenceBody, SilenceIdParams, SilenceListSchema, SilenceSchema,
} from './schemas/alert-schemas.js';

/** What the alert routes read from the store directly (the writes that have rules go through the directories). */
export type AlertApiStore = Pick<AlertStore, 'queryAlerts' | 'findAlert' | 'acknowledgeAlert' | 'countOpenAlerts' | 'countOpenAlertsByDevice' | 'queryNotifications' | 'enqueueNotifications'>;

export interface AlertRouteDeps {
  readonly alertStore: AlertApiStore;
  /** Live events: an acknowledgement shows on every console at once. */
  readonly events: Pick<EventBus, 'publish'>;
  readonly silenceDirectory: SilenceDirectory;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** An alert as the API and the live events show it. */
export function toAlertView(alert: AlertRecord) {
  return {
    id: alert.id, ruleId: alert.ruleId, ruleVersion: alert.ruleVersion, ruleName: alert.ruleName, severity: alert.severity, subjectId: alert.subjectId, cwmId: alert.cwmId,
    siteId: alert.siteId, state: alert.state, openedAt: new Date(alert.openedAtMs).toISOString(), firedAt: isoOrNull(alert.firedAtMs), resolvedAt: isoOrNull(alert.resolvedAtMs),
    triggerValue: alert.triggerValue, clearValue: alert.clearValue, summary: alert.summary, acknowledgedAt: isoOrNull(alert.acknowledgedAtMs),
    acknowledgedBy: alert.acknowledgedBy, acknowledgementNote: alert.acknowledgementNote, notifiedAt: isoOrNull(alert.notifiedAtMs),
  };
}

function toSilenceView(silence: SilenceRecord) {
  return {
    id: silence.id, ruleId: silence.ruleId, siteId: silence.siteId, deviceId: silence.deviceId, until: new Date(silence.untilMs).toISOString(), reason: silence.reason,
    createdBy: silence.createdBy, createdAt: new Date(silence.createdAtMs).toISOString(),
  };
}

export function registerAlertRoutes(api: AdminApi, deps: AlertRouteDeps): void {
  api.get('/alerts', { schema: { summary: 'Alerts, newest change first (open ones when no state is given)', querystring: AlertListQuery, response: { 200: AlertPageSchema, ...errorResponses(400) } } }, async (request) => {
    const { state, ruleId, deviceId, siteId, severity, acknowledged, limit, offset } = request.query;
    // The schema's pattern admits only the three states.
    const states = (state ?? 'pending,firing').split(',').filter((text): text is AlertState => text === 'pending' || text === 'firing' || text === 'resolved');
    const page = await deps.alertStore.queryAlerts({
      states: [...new Set(states)], ruleId: ruleId ?? null, deviceId: deviceId ?? null, siteId: siteId ?? null, severity: severity ?? null,
      isAcknowledged: acknowledged ?? null, limit: limit ?? ALERT_PAGE_DEFAULT_LIMIT, offset: offset ?? 0,
    });
    return { total: page.total, items: page.items.map(toAlertView) };
  });

  api.get('/alerts/summary', { schema: { summary: 'How many alerts are open, firing unacknowledged, by severity (the console\'s nav badge)', response: { 200: AlertCountsSchema, ...errorResponses() } } }, async () => {
    return deps.alertStore.countOpenAlerts();
  });

  api.get('/alerts/badges', { schema: { summary: `Open alerts of each of the given devices or equipment (at most ${MAX_BADGE_IDS} ids)`, querystring: BadgeQuery, response: { 200: AlertBadgesSchema, ...errorResponses(400) } } }, async (request) => {
    const ids = [...new Set(request.query.ids.split(',').map((id) => id.trim()).filter((id) => id !== ''))];
    if (ids.length > MAX_BADGE_IDS) throw new OpenTpsError('ERR_API_INVALID', `"ids" must name at most ${MAX_BADGE_IDS} ids, got ${ids.length}`);
    return { items: ids.length === 0 ? [] : await deps.alertStore.countOpenAlertsByDevice(ids) };
  });

  api.get('/alerts/:id', { schema: { summary: 'One alert', params: AlertIdParams, response: { 200: AlertSchema, ...errorResponses(400, 404) } } }, async (request) => {
    const alert = await deps.alertStore.findAlert(request.params.id);
    if (alert === null) throw new OpenTpsError('ERR_ALERT_NOT_FOUND', String(request.params.id));
    return toAlertView(alert);
  });

  api.post(
    '/alerts/:id/acknowledge',
    { schema: { summary: 'Acknowledge an alert with a note (a second acknowledgement keeps the first)', params: AlertIdParams, body: AcknowledgeBody, response: { 200: AlertSchema, ...errorResponses(400, 403, 404) } } },
    async (request) => {
      const actor = request.operatorName ?? '-';
      const note = (request.body.note ?? '').trim();
      const alert = await deps.alertStore.acknowledgeAlert(request.params.id, actor, note, deps.clock.nowMs());
      await deps.audit.record(actor, 'alert.acknowledge', String(alert.id), { note });
      deps.events.publish({ type: 'alert', alert });
      return toAlertView(alert);
    },
  );

  api.get('/silences', { schema: { summary: 'The silences in force now', response: { 200: SilenceListSchema, ...errorResponses() } } }, async () => {
    return { items: (await deps.silenceDirectory.listActive()).map(toSilenceView) };
  });

  api.post('/silences', { schema: { summary: 'Silence a rule, a site or a device until a time, with a reason', body: NewSilenceBody, response: { 201: SilenceSchema, ...errorResponses(400, 403, 404) } } }, async (request, reply) => {
    const { ruleId, siteId, deviceId, until, reason } = request.body;
    const actor = request.operatorName ?? '-';
    const silence = await deps.silenceDirectory.add({ ruleId, siteId, deviceId, untilMs: Date.parse(until), reason }, actor);
    await deps.audit.record(actor, 'silence.add', String(silence.id), { ruleId: silence.ruleId, siteId: silence.siteId, deviceId: silence.deviceId, until, reason: silence.reason });
    return reply.code(201).send(toSilenceView(silence));
  });

  api.delete('/silences/:id', { schema: { summary: 'End a silence now', params: SilenceIdParams, response: { 204: NoContent, ...errorResponses(400, 403, 404) } } }, async (request, reply) => {
    await deps.silenceDirectory.remove(request.params.id);
    await deps.audit.record(request.operatorName ?? '-', 'silence.delete', String(request.params.id));
    return reply.code(204).send(null);
  });
}
