// /api/v1/notification-channels (issue 16): webhook and e-mail channels, their recent notifications with each
// one's state, attempts and last error ("failures visible in the console"). A webhook's secret is answered once,
// when the channel is created; an SMTP password never. Every change is audited (without secrets).

import { buildTestPayload } from '../../domain/alerts/notification-message.js';
import { randomUUID } from 'node:crypto';
import type { ChannelRecord, OutboxRecord } from '../../domain/alerts/alert-store.js';
import type { ChannelDirectory } from '../../domain/alerts/channel-directory.js';
import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import { OpenTpsError } from '../../errors.js';
import type { AdminApi } from './admin-api-instance.js';
import type { AlertApiStore } from './alert-routes.js';
import { isoOrNull } from './api-views.js';
import { errorResponses, NoContent } from './schemas/common-schemas.js';
import {
  ChannelChangesBody, ChannelIdParams, ChannelListSchema, ChannelSchema, CreatedChannelSchema, NewChannelBody, NotificationListQuery, NotificationPageSchema, NotificationSchema,
} from './schemas/alert-schemas.js';

export interface NotificationChannelRouteDeps {
  readonly channelDirectory: ChannelDirectory;
  readonly alertStore: AlertApiStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** Test notifications are of no rule: the outbox's rule id 0 (no rule has it; the outbox has no key to rules). */
export const TEST_NOTIFICATION_RULE_ID = 0;

function toChannelView(channel: ChannelRecord) {
  const { target } = channel;
  const email = target.kind === 'email' ? target : null;
  return {
    id: channel.id, name: channel.name, kind: target.kind, url: target.kind === 'webhook' ? target.url : null, to: email === null ? [] : [...email.to],
    from: email?.from ?? null, smtpHost: email?.smtpHost ?? null, smtpPort: email?.smtpPort ?? null, smtpSecure: email?.smtpSecure ?? null,
    smtpUser: email?.smtpUser ?? null, hasSmtpPassword: email !== null && email.smtpPassword !== null, isEnabled: channel.isEnabled, minSeverity: channel.minSeverity,
    createdAt: new Date(channel.createdAtMs).toISOString(), lastSuccessAt: isoOrNull(channel.lastSuccessAtMs), lastFailureAt: isoOrNull(channel.lastFailureAtMs),
    lastFailure: channel.lastFailure,
  };
}

/** What the audit log keeps of a channel: where it sends, never a secret or password. */
function auditDetailsOf(channel: ChannelRecord): Record<string, unknown> {
  const { target } = channel;
  return { name: channel.name, kind: target.kind, ...(target.kind === 'webhook' ? { url: target.url } : { to: target.to, smtpHost: target.smtpHost }), isEnabled: channel.isEnabled };
}

function toNotificationView(entry: OutboxRecord) {
  return {
    id: entry.id, channelId: entry.channelId, ruleId: entry.ruleId, messageId: entry.messageId, state: entry.state, createdAt: new Date(entry.createdAtMs).toISOString(),
    attempts: entry.attempts, nextAttemptAt: new Date(entry.nextAttemptAtMs).toISOString(), lastAttemptAt: isoOrNull(entry.lastAttemptAtMs), lastError: entry.lastError,
    deliveredAt: isoOrNull(entry.deliveredAtMs), payload: { ...entry.payload },
  };
}

export function registerNotificationChannelRoutes(api: AdminApi, deps: NotificationChannelRouteDeps): void {
  api.get('/notification-channels', { schema: { summary: 'List notification channels with their last success and failure', response: { 200: ChannelListSchema, ...errorResponses() } } }, async () => {
    return { items: (await deps.channelDirectory.list()).map(toChannelView) };
  });

  api.post(
    '/notification-channels',
    { schema: { summary: 'Create a webhook or e-mail channel (a webhook\'s secret is in this answer only)', body: NewChannelBody, response: { 201: CreatedChannelSchema, ...errorResponses(400, 403, 409) } } },
    async (request, reply) => {
      const channel = await deps.channelDirectory.add(request.body);
      await deps.audit.record(request.operatorName ?? '-', 'channel.add', String(channel.id), auditDetailsOf(channel));
      return reply.code(201).send({ ...toChannelView(channel), secret: channel.secret });
    },
  );

  api.get('/notification-channels/:id', { schema: { summary: 'One notification channel', params: ChannelIdParams, response: { 200: ChannelSchema, ...errorResponses(400, 404) } } }, async (request) => {
    return toChannelView(await deps.channelDirectory.get(request.params.id));
  });

  api.patch(
    '/notification-channels/:id',
    { schema: { summary: 'Change a channel (target members given replace those stored; an absent password stays)', params: ChannelIdParams, body: ChannelChangesBody, response: { 200: ChannelSchema, ...errorResponses(400, 403, 404, 409) } } },
    async (request) => {
      const channel = await deps.channelDirectory.update(request.params.id, request.body);
      await deps.audit.record(request.operatorName ?? '-', 'channel.update', String(channel.id), auditDetailsOf(channel));
      return toChannelView(channel);
    },
  );

  api.delete('/notification-channels/:id', { schema: { summary: 'Delete a channel and its undelivered notifications', params: ChannelIdParams, response: { 204: NoContent, ...errorResponses(400, 403, 404) } } }, async (request, reply) => {
    await deps.channelDirectory.remove(request.params.id);
    await deps.audit.record(request.operatorName ?? '-', 'channel.delete', String(request.params.id));
    return reply.code(204).send(null);
  });

  api.post(
    '/notification-channels/:id/test',
    { schema: { summary: 'Queue a test notification on the channel; its delivery shows in its notifications', params: ChannelIdParams, response: { 202: NotificationSchema, ...errorResponses(400, 403, 404) } } },
    async (request, reply) => {
      const channel = await deps.channelDirectory.get(request.params.id);
      const atMs = deps.clock.nowMs();
      const actor = request.operatorName ?? '-';
      const payload = { ...buildTestPayload(channel.name, actor, atMs) };
      const [entry] = await deps.alertStore.enqueueNotifications({ entries: [{ channelId: channel.id, ruleId: TEST_NOTIFICATION_RULE_ID, messageId: `msg_${randomUUID()}`, payload, atMs }], alerts: [], atMs });
      if (entry === undefined) throw new OpenTpsError('ERR_INTERNAL', 'the store wrote no test notification');
      await deps.audit.record(actor, 'channel.test', String(channel.id));
      return reply.code(202).send(toNotificationView(entry));
    },
  );

  api.get(
    '/notification-channels/:id/notifications',
    { schema: { summary: 'A channel\'s notifications, newest first, with state, attempts and last error', params: ChannelIdParams, querystring: NotificationListQuery, response: { 200: NotificationPageSchema, ...errorResponses(400, 404) } } },
    async (request) => {
      await deps.channelDirectory.get(request.params.id);
      const { state, limit, offset } = request.query;
      const page = await deps.alertStore.queryNotifications({ channelId: request.params.id, state: state ?? null, limit: limit ?? 50, offset: offset ?? 0 });
      return { total: page.total, items: page.items.map(toNotificationView) };
    },
  );
}
