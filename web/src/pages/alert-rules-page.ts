// Alert rules (issue 16): the rules with their scope and condition in one line each, Edit and Delete; the editor
// (alerts/rule-form.ts) beside them, with its preview.
import { alertsSectionNav } from '../alerts/alerts-nav.js';
import { createRuleForm } from '../alerts/rule-form.js';
import { severityBadge } from '../alerts/severity-badge.js';
import type { AlertCondition, AlertRuleRecord, AlertScope } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import type { Page, PageContext } from '../page.js';
import { badge } from '../status-badge.js';

function describeScope(scope: AlertScope): string {
  switch (scope.kind) {
    case 'all':
      return 'every device';
    case 'model':
      return `model ${scope.modelId}`;
    case 'site':
      return `site #${scope.siteId}`;
    case 'tag':
      return `tag ${scope.tag}`;
    case 'devices':
      return `${scope.deviceIds.length} device(s)`;
  }
}

export function describeCondition(condition: AlertCondition): string {
  switch (condition.kind) {
    case 'offline':
      return `offline for ${condition.intervals} intervals`;
    case 'counter-increased':
      return `${condition.field} went up`;
    case 'device-problem':
      return `${condition.problem} ≥ ${condition.atLeast ?? 1}`;
    case 'threshold': {
      const bound = condition.operator === 'above' ? `> ${condition.high ?? '?'}` : condition.operator === 'below' ? `< ${condition.low ?? '?'}` : `outside ${condition.low ?? '?'}–${condition.high ?? '?'}`;
      return `${condition.field} ${bound}${condition.forS === undefined || condition.forS === 0 ? '' : ` for ${condition.forS} s`}`;
    }
    case 'combined':
      return condition.conditions.map(describeCondition).join(` ${condition.join.toUpperCase()} `);
  }
}

export function createAlertRulesPage(context: PageContext): Page {
  const { api } = context;
  const errorArea = el('div');
  const body = el('tbody');
  const table = el('table', { class: 'data-table rules-table' }, el('thead', {}, el('tr', {}, ...['Rule', 'Severity', 'Scope', 'Condition', 'Channels', 'State', ''].map((text) => el('th', { scope: 'col' }, text)))), body);

  const renderRow = (rule: AlertRuleRecord): HTMLTableRowElement => {
    const editButton = el('button', { type: 'button', class: 'small' }, 'Edit');
    editButton.addEventListener('click', () => {
      form.edit(rule);
      form.element.scrollIntoView({ block: 'nearest' });
    });
    const deleteButton = el('button', { type: 'button', class: 'small' }, 'Delete');
    deleteButton.addEventListener('click', () => {
      if (!window.confirm(`Delete the rule ${rule.name}? Its open alerts resolve.`)) return;
      api.alerts.removeRule(rule.id).then(load).catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));
    });
    return el(
      'tr',
      {},
      el('td', {}, rule.name, el('div', { class: 'muted small' }, `#${rule.id}, version ${rule.version}`)),
      el('td', {}, severityBadge(rule.severity)),
      el('td', {}, describeScope(rule.scope)),
      el('td', { class: 'mono' }, describeCondition(rule.condition)),
      el('td', { class: 'numeric' }, rule.channelIds.length),
      el('td', {}, rule.isEnabled ? badge('enabled', 'good') : badge('disabled', 'neutral')),
      el('td', { class: 'actions' }, editButton, deleteButton),
    );
  };

  async function load(): Promise<void> {
    try {
      const [rules, channels] = await Promise.all([api.alerts.listRules(), api.alerts.listChannels()]);
      replaceChildren(errorArea);
      form.showChannels(channels);
      replaceChildren(body, ...rules.map(renderRow));
      if (rules.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: 7, class: 'muted empty-row' }, 'No alert rules yet.')));
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  }

  const form = createRuleForm({
    save: (ruleId, rule) => api.alerts.saveRule(ruleId, rule),
    preview: (rule) => api.alerts.previewRule(rule),
    onSaved: () => void load(),
  });
  void load();

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Alert rules')),
    alertsSectionNav('alert-rules'),
    el('div', { class: 'two-columns' }, el('section', { class: 'card' }, errorArea, el('div', { class: 'table-scroll' }, table)), form.element),
  );
  return { element, dispose: () => undefined };
}
