// Alert rules as operators edit them (issue 16): each rule checked against the models it watches and the
// channels it names before the store is asked, and the node's evaluation told at once after every change.

import { OpenTpsError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { ModelCatalog } from '../equipment-model/model-catalog.js';
import type { AlertRulesListener } from './alert-preview.js';
import { parseAlertRule } from './alert-rule-validation.js';
import type { AlertRuleRecord, AlertStore, NewAlertRule } from './alert-store.js';

export interface AlertRuleDirectory {
  list(): Promise<AlertRuleRecord[]>;
  /** @throws OpenTpsError ERR_ALERT_RULE_NOT_FOUND */
  get(id: number): Promise<AlertRuleRecord>;
  /** @throws OpenTpsError ERR_ALERT_RULE_INVALID, ERR_CHANNEL_NOT_FOUND */
  add(input: unknown): Promise<AlertRuleRecord>;
  /** The same checks as add; the rule's version goes up. @throws OpenTpsError ERR_ALERT_RULE_NOT_FOUND too */
  replace(id: number, input: unknown): Promise<AlertRuleRecord>;
  /** Deletes the rule; its open alerts resolve ("rule deleted"). @throws OpenTpsError ERR_ALERT_RULE_NOT_FOUND */
  remove(id: number): Promise<void>;
}

export interface AlertRuleDirectoryDeps {
  readonly store: Pick<AlertStore, 'listAlertRules' | 'findAlertRule' | 'addAlertRule' | 'replaceAlertRule' | 'deleteAlertRule' | 'findChannel'>;
  readonly catalog: Pick<ModelCatalog, 'modelsById'>;
  readonly listener: AlertRulesListener;
  readonly clock: Clock;
}

export function createAlertRuleDirectory(deps: AlertRuleDirectoryDeps): AlertRuleDirectory {
  /** The rule as the store takes it, once it breaks no rule and every channel it names exists. */
  const checked = async (input: unknown): Promise<NewAlertRule> => {
    const rule = parseAlertRule(input, await deps.catalog.modelsById());
    const channelIds = rule.channelIds ?? [];
    // At most 20 (the schema): one lookup each costs less than a list of every channel.
    const channels = await Promise.all(channelIds.map((id) => deps.store.findChannel(id)));
    const missing = channelIds.filter((_id, index) => channels[index] === null);
    if (missing.length > 0) throw new OpenTpsError('ERR_CHANNEL_NOT_FOUND', `channelIds: no channel ${missing.join(', ')}`);
    return { name: rule.name.trim(), severity: rule.severity, scope: rule.scope, condition: rule.condition, isEnabled: rule.isEnabled ?? true, channelIds, atMs: deps.clock.nowMs() };
  };

  return {
    list() {
      return deps.store.listAlertRules();
    },
    async get(id) {
      const rule = await deps.store.findAlertRule(id);
      if (rule === null) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', String(id));
      return rule;
    },
    async add(input) {
      const rule = await deps.store.addAlertRule(await checked(input));
      deps.listener.rulesChanged();
      return rule;
    },
    async replace(id, input) {
      if ((await deps.store.findAlertRule(id)) === null) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', String(id));
      const rule = await deps.store.replaceAlertRule(id, await checked(input));
      deps.listener.rulesChanged();
      return rule;
    },
    async remove(id) {
      await deps.store.deleteAlertRule(id, deps.clock.nowMs());
      deps.listener.rulesChanged();
    },
  };
}
