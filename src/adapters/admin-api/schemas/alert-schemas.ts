// /api/v1/alert-rules, /alerts, /silences and /notification-channels (issue 16). The rule itself is
// AlertRuleSchema (src/domain/alerts/alert-rule.ts), shared with the validation and the console's editor.

import { Type } from '@sinclair/typebox';
import { ALERT_SEVERITIES, AlertConditionSchema, AlertScopeSchema } from '../../../domain/alerts/alert-rule.js';
import { IsoTime, JsonObject, Nullable, StringEnum } from './common-schemas.js';

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export const OUTBOX_STATES = ['queued', 'delivered', 'failed'] as const;
export const CHANNEL_KINDS = ['webhook', 'email'] as const;
export const ALERT_PAGE_DEFAULT_LIMIT = 50;
export const PREVIEW_DEFAULT_LIMIT = 50;
export const PREVIEW_MAX_LIMIT = 200;
export const MAX_BADGE_IDS = 500;
export const MAX_ACKNOWLEDGEMENT_NOTE_CHARS = 1000;

const Severity = StringEnum(ALERT_SEVERITIES);
const Id = (description: string) => Type.Object({ id: Type.Integer({ minimum: 1, description }) });

export const AlertRuleIdParams = Id('alert rule id');
export const AlertIdParams = Id('alert id');
export const SilenceIdParams = Id('silence id');
export const ChannelIdParams = Id('notification channel id');

export const AlertRuleRecordSchema = Type.Object({
  id: Type.Integer(),
  version: Type.Integer({ description: '1 when created, +1 on each change; an alert keeps the version that opened it' }),
  name: Type.String(),
  severity: Severity,
  scope: AlertScopeSchema,
  condition: AlertConditionSchema,
  isEnabled: Type.Boolean(),
  channelIds: Type.Array(Type.Integer()),
  createdAt: IsoTime(),
  updatedAt: IsoTime(),
});

export const AlertRuleListSchema = Type.Object({ items: Type.Array(AlertRuleRecordSchema) });

export const PreviewQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PREVIEW_MAX_LIMIT, default: PREVIEW_DEFAULT_LIMIT })),
});

const AlertValueSchema = Type.Unknown({ description: 'a number, a string, a boolean, a small object or null' });

export const RulePreviewSchema = Type.Object({
  matches: Type.Array(Type.Object({ subjectId: Type.String(), cwmId: Type.String(), value: AlertValueSchema, summary: Type.String() })),
  scanned: Type.Integer({ description: 'subjects of the scope looked at' }),
  isTruncated: Type.Boolean({ description: 'the scope has more subjects than the preview looked at' }),
  note: Nullable(Type.String()),
});

export const AlertSchema = Type.Object({
  id: Type.Integer(),
  ruleId: Type.Integer(),
  ruleVersion: Type.Integer(),
  ruleName: Type.String(),
  severity: Severity,
  subjectId: Type.String({ description: 'the equipment or CWM the alert is about' }),
  cwmId: Type.String(),
  siteId: Nullable(Type.Integer()),
  state: StringEnum(ALERT_STATES),
  openedAt: IsoTime(),
  firedAt: Nullable(IsoTime()),
  resolvedAt: Nullable(IsoTime()),
  triggerValue: AlertValueSchema,
  clearValue: AlertValueSchema,
  summary: Type.String(),
  acknowledgedAt: Nullable(IsoTime()),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgementNote: Nullable(Type.String()),
  notifiedAt: Nullable(IsoTime()),
});

export const AlertPageSchema = Type.Object({ items: Type.Array(AlertSchema), total: Type.Integer() });

export const AlertListQuery = Type.Object({
  state: Type.Optional(Type.String({ pattern: '^(pending|firing|resolved)(,(pending|firing|resolved)){0,2}$', description: 'comma list of pending, firing, resolved; open alerts (pending,firing) when absent' })),
  ruleId: Type.Optional(Type.Integer({ minimum: 1 })),
  deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the subject or its CWM' })),
  siteId: Type.Optional(Type.Integer({ minimum: 1 })),
  severity: Type.Optional(Severity),
  acknowledged: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: ALERT_PAGE_DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
});

export const AcknowledgeBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: MAX_ACKNOWLEDGEMENT_NOTE_CHARS, description: 'what was done; may be empty' })) },
  { additionalProperties: false },
);

export const AlertCountsSchema = Type.Object({
  firing: Type.Integer(),
  pending: Type.Integer(),
  firingUnacknowledged: Type.Integer(),
  bySeverity: Type.Object({ critical: Type.Integer(), major: Type.Integer(), minor: Type.Integer(), warning: Type.Integer() }, { description: 'open alerts by severity' }),
});

export const BadgeQuery = Type.Object({
  ids: Type.String({ maxLength: MAX_BADGE_IDS * 65, description: `device or equipment ids separated by commas, at most ${MAX_BADGE_IDS}` }),
});

export const AlertBadgesSchema = Type.Object({
  items: Type.Array(Type.Object({ deviceId: Type.String(), firing: Type.Integer(), pending: Type.Integer(), worstSeverity: Severity }), { description: 'only the ids with open alerts' }),
});

export const SilenceSchema = Type.Object({
  id: Type.Integer(),
  ruleId: Nullable(Type.Integer()),
  siteId: Nullable(Type.Integer()),
  deviceId: Nullable(Type.String()),
  until: IsoTime(),
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: IsoTime(),
});

export const SilenceListSchema = Type.Object({ items: Type.Array(SilenceSchema) });

export const NewSilenceBody = Type.Object(
  {
    ruleId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    siteId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    deviceId: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'a CWM or equipment id' }))),
    until: IsoTime({ description: 'when the silence ends (at most 90 days ahead)' }),
    reason: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false, description: 'exactly one of ruleId, siteId, deviceId (else ERR_SILENCE_INVALID)' },
);

export const ChannelSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: StringEnum(CHANNEL_KINDS),
  url: Nullable(Type.String({ description: 'webhook: where it posts' })),
  to: Type.Array(Type.String(), { description: 'e-mail: the recipients' }),
  from: Nullable(Type.String()),
  smtpHost: Nullable(Type.String()),
  smtpPort: Nullable(Type.Integer()),
  smtpSecure: Nullable(Type.Boolean()),
  smtpUser: Nullable(Type.String()),
  hasSmtpPassword: Type.Boolean({ description: 'the password itself is never returned' }),
  isEnabled: Type.Boolean(),
  minSeverity: Severity,
  createdAt: IsoTime(),
  lastSuccessAt: Nullable(IsoTime()),
  lastFailureAt: Nullable(IsoTime()),
  lastFailure: Nullable(Type.String({ description: 'what the last failed attempt got' })),
});

export const ChannelListSchema = Type.Object({ items: Type.Array(ChannelSchema) });

export const CreatedChannelSchema = Type.Composite([
  ChannelSchema,
  Type.Object({ secret: Nullable(Type.String({ description: 'webhook: the whsec_ signing secret, shown in this answer only' })) }),
]);

const ChannelCommon = {
  name: Type.String({ maxLength: 100 }),
  isEnabled: Type.Optional(Type.Boolean({ default: true })),
  minSeverity: Type.Optional(StringEnum(ALERT_SEVERITIES, { description: 'less severe alerts are not sent here; warning (all) by default' })),
};

export const NewChannelBody = Type.Union(
  [
    Type.Object({ kind: Type.Literal('webhook'), ...ChannelCommon, url: Type.String({ maxLength: 2000, description: 'https (http only to localhost)' }) }, { additionalProperties: false }),
    Type.Object(
      {
        kind: Type.Literal('email'), ...ChannelCommon,
        to: Type.Array(Type.String({ maxLength: 320 }), { maxItems: 50, description: '1 to 20 addresses' }),
        from: Type.String({ maxLength: 320 }),
        smtpHost: Type.String({ maxLength: 253 }),
        smtpPort: Type.Integer({ description: '1 to 65535' }),
        smtpSecure: Type.Optional(Type.Boolean({ description: 'implicit TLS; true by default on port 465, else STARTTLS when offered' })),
        smtpUser: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
        smtpPassword: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'a webhook or an e-mail channel (members checked: ERR_CHANNEL_INVALID names the bad one)' },
);

export const ChannelChangesBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    isEnabled: Type.Optional(Type.Boolean()),
    minSeverity: Type.Optional(Severity),
    url: Type.Optional(Type.String({ maxLength: 2000 })),
    to: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 50 })),
    from: Type.Optional(Type.String({ maxLength: 320 })),
    smtpHost: Type.Optional(Type.String({ maxLength: 253 })),
    smtpPort: Type.Optional(Type.Integer()),
    smtpSecure: Type.Optional(Type.Boolean()),
    smtpUser: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    smtpPassword: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'absent: unchanged' }))),
  },
  { additionalProperties: false },
);

export const NotificationListQuery = Type.Object({
  state: Type.Optional(StringEnum(OUTBOX_STATES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
});

export const NotificationSchema = Type.Object({
  id: Type.Integer(),
  channelId: Type.Integer(),
  ruleId: Type.Integer(),
  messageId: Type.String({ description: 'the webhook-id: the same across retries' }),
  state: StringEnum(OUTBOX_STATES),
  createdAt: IsoTime(),
  attempts: Type.Integer(),
  nextAttemptAt: IsoTime(),
  lastAttemptAt: Nullable(IsoTime()),
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(IsoTime()),
  payload: JsonObject({ description: 'the notification as sent (the webhook body)' }),
});

export const NotificationPageSchema = Type.Object({ items: Type.Array(NotificationSchema), total: Type.Integer() });
