// /api/v1/alert-rules: alert rules and the preview of what a rule would fire on now (issue 16). Every change is
// audited. A rule that breaks its shape is refused as ERR_ALERT_RULE_INVALID, like one that breaks a rule only the
// models can tell (alert-rule-validation.ts, in the directory), so the editor shows one kind of error.

import type { AlertPreviewer } from '../../domain/alerts/alert-preview.js';
import type { AlertRuleDirectory } from '../../domain/alerts/alert-rule-directory.js';
import { AlertRuleSchema } from '../../domain/alerts/alert-rule.js';
import type { AlertRuleRecord } from '../../domain/alerts/alert-store.js';
import type { AuditLog } from '../../domain/audit-log.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses, NoContent } from './schemas/common-schemas.js';
import { AlertRuleIdParams, AlertRuleListSchema, AlertRuleRecordSchema, PREVIEW_DEFAULT_LIMIT, PreviewQuery, RulePreviewSchema } from './schemas/alert-schemas.js';

export interface AlertRuleRouteDeps {
  readonly alertRules: AlertRuleDirectory;
  readonly alertPreviewer: AlertPreviewer;
  readonly audit: AuditLog;
}

export function toAlertRuleView(rule: AlertRuleRecord) {
  return {
    id: rule.id, version: rule.version, name: rule.name, severity: rule.severity, scope: rule.scope, condition: rule.condition, isEnabled: rule.isEnabled,
    channelIds: [...rule.channelIds], createdAt: new Date(rule.createdAtMs).toISOString(), updatedAt: new Date(rule.updatedAtMs).toISOString(),
  };
}

/** AlertRuleSchema as a request body: a rule breaking its shape is ERR_ALERT_RULE_INVALID like one breaking a model's fields. */
const AlertRuleBody = { ...AlertRuleSchema, 'x-error-code': 'ERR_ALERT_RULE_INVALID' };

export function registerAlertRuleRoutes(api: AdminApi, deps: AlertRuleRouteDeps): void {
  api.get('/alert-rules', { schema: { summary: 'List alert rules', response: { 200: AlertRuleListSchema, ...errorResponses() } } }, async () => {
    return { items: (await deps.alertRules.list()).map(toAlertRuleView) };
  });

  api.post(
    '/alert-rules',
    { schema: { summary: 'Create an alert rule (ERR_ALERT_RULE_INVALID names every problem)', body: AlertRuleBody, response: { 201: AlertRuleRecordSchema, ...errorResponses(400, 403, 404) } } },
    async (request, reply) => {
      const rule = await deps.alertRules.add(request.body);
      await deps.audit.record(request.operatorName ?? '-', 'alert-rule.add', String(rule.id), { name: rule.name, version: rule.version });
      return reply.code(201).send(toAlertRuleView(rule));
    },
  );

  api.post(
    '/alert-rules/preview',
    {
      schema: { summary: 'The devices a rule would fire on now (durations not waited for); nothing is saved', body: AlertRuleBody, querystring: PreviewQuery, response: { 200: RulePreviewSchema, ...errorResponses(400, 403) } },
    },
    async (request) => {
      const preview = await deps.alertPreviewer.previewRule(request.body, request.query.limit ?? PREVIEW_DEFAULT_LIMIT);
      return { matches: [...preview.matches], scanned: preview.scanned, isTruncated: preview.isTruncated, note: preview.note };
    },
  );

  api.get('/alert-rules/:id', { schema: { summary: 'One alert rule', params: AlertRuleIdParams, response: { 200: AlertRuleRecordSchema, ...errorResponses(400, 404) } } }, async (request) => {
    return toAlertRuleView(await deps.alertRules.get(request.params.id));
  });

  api.put(
    '/alert-rules/:id',
    { schema: { summary: 'Replace an alert rule (its version goes up)', params: AlertRuleIdParams, body: AlertRuleBody, response: { 200: AlertRuleRecordSchema, ...errorResponses(400, 403, 404) } } },
    async (request) => {
      const rule = await deps.alertRules.replace(request.params.id, request.body);
      await deps.audit.record(request.operatorName ?? '-', 'alert-rule.replace', String(rule.id), { name: rule.name, version: rule.version });
      return toAlertRuleView(rule);
    },
  );

  api.delete('/alert-rules/:id', { schema: { summary: 'Delete an alert rule; its open alerts resolve', params: AlertRuleIdParams, response: { 204: NoContent, ...errorResponses(400, 403, 404) } } }, async (request, reply) => {
    await deps.alertRules.remove(request.params.id);
    await deps.audit.record(request.operatorName ?? '-', 'alert-rule.delete', String(request.params.id));
    return reply.code(204).send(null);
  });
}
