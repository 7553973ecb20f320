// The alert rule editor: name, severity, scope (all, a model, a site, a tag, a list of devices), the condition
// (condition-editor.ts), the channels to notify; Preview shows the devices the rule would fire on now, Save shows
// the server's refusal (naming the member, e.g. condition.field) next to the form.
import type { AlertRuleInput, AlertRuleRecord, AlertScope, Channel, RulePreview } from '../api-model.js';
import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';
import { deviceHref, equipmentHref } from '../hash-router.js';
import { formatAlertValue } from './alert-table.js';
import { createConditionEditor } from './condition-editor.js';

type ScopeKind = AlertScope['kind'];
const SCOPE_KINDS: ReadonlyArray<readonly [ScopeKind, string, string]> = [
  ['all', 'Every device', ''],
  ['model', 'Equipment of a model', 'MODEL_ID: 4 hex digits, e.g. e0f1'],
  ['site', 'CWMs of a site', 'site id (a number)'],
  ['tag', 'Devices with a tag', 'a tag, e.g. line-1'],
  ['devices', 'These devices', 'device ids separated by commas or spaces'],
];
const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;

export interface RuleFormOptions {
  readonly save: (ruleId: number | null, rule: AlertRuleInput) => Promise<AlertRuleRecord>;
  readonly preview: (rule: AlertRuleInput) => Promise<RulePreview>;
  readonly onSaved: (rule: AlertRuleRecord) => void;
}

export interface RuleForm {
  readonly element: HTMLElement;
  readonly edit: (rule: AlertRuleRecord | null) => void;
  readonly showChannels: (channels: readonly Channel[]) => void;
}

function scopeOf(kind: ScopeKind, value: string): AlertScope {
  const text = value.trim();
  switch (kind) {
    case 'all':
      return { kind: 'all' };
    case 'model':
      return { kind: 'model', modelId: text };
    case 'site':
      return { kind: 'site', siteId: Number(text) };
    case 'tag':
      return { kind: 'tag', tag: text };
    case 'devices':
      return { kind: 'devices', deviceIds: text.split(/[\s,]+/).filter((id) => id !== '') };
  }
}

function scopeValueOf(scope: AlertScope): string {
  switch (scope.kind) {
    case 'all':
      return '';
    case 'model':
      return scope.modelId;
    case 'site':
      return String(scope.siteId);
    case 'tag':
      return scope.tag;
    case 'devices':
      return scope.deviceIds.join(', ');
  }
}

function previewView(preview: RulePreview): HTMLElement {
  const heading = preview.matches.length === 0 ? 'It would fire on no device now.' : `It would fire on ${preview.matches.length}${preview.isTruncated ? '+' : ''} now:`;
  return el(
    'div',
    { class: 'rule-preview', 'data-testid': 'rule-preview' },
    el('p', {}, el('strong', {}, heading), el('span', { class: 'muted' }, ` (${preview.scanned} looked at${preview.isTruncated ? ', more not looked at' : ''})`)),
    preview.matches.length === 0 ? null : el('ul', {}, ...preview.matches.map((match) => el('li', {}, el('a', { href: match.subjectId === match.cwmId ? deviceHref(match.cwmId) : equipmentHref(match.subjectId), class: 'mono' }, match.subjectId), ` ${formatAlertValue(match.value)} — ${match.summary}`))),
    preview.note === null ? null : el('p', { class: 'muted small' }, preview.note),
  );
}

export function createRuleForm(options: RuleFormOptions): RuleForm {
  let editingId: number | null = null;
  const title = el('h2', { id: uniqueId('rule-form-title') }, 'New alert rule');
  const name = el('input', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  const severity = selectOf('severity', SEVERITIES.map((value) => [value, value] as const), 'major');
  const scopeKind = selectOf('scopeKind', SCOPE_KINDS.map(([value, label]) => [value, label] as const), 'all');
  const scopeValue = el('input', { name: 'scopeValue', autocomplete: 'off' });
  const scopeValueField = labeledField('Scope value', scopeValue);
  const scopeHint = el('small', { class: 'hint' });
  scopeValueField.appendChild(scopeHint);
  const condition = createConditionEditor();
  const isEnabled = el('input', { type: 'checkbox', name: 'isEnabled', checked: true });
  const channelList = el('div', { class: 'checkbox-list' });
  const result = el('div', { 'aria-live': 'polite', class: 'rule-form-result' });
  const submitButton = el('button', { type: 'submit', class: 'primary' }, 'Create rule');
  const previewButton = el('button', { type: 'button' }, 'Preview');
  const newButton = el('button', { type: 'button', hidden: true }, 'New rule');

  const currentScopeKind = (): ScopeKind => SCOPE_KINDS.find(([value]) => value === scopeKind.value)?.[0] ?? 'all';
  const showScope = (): void => {
    const entry = SCOPE_KINDS.find(([value]) => value === currentScopeKind());
    scopeValueField.hidden = currentScopeKind() === 'all';
    scopeHint.textContent = entry?.[2] ?? '';
  };
  scopeKind.addEventListener('change', showScope);
  showScope();

  const read = (): AlertRuleInput => ({
    name: name.value.trim(),
    severity: SEVERITIES.find((value) => value === severity.value) ?? 'major',
    scope: scopeOf(currentScopeKind(), scopeValue.value),
    condition: condition.read(),
    isEnabled: isEnabled.checked,
    channelIds: [...channelList.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((box) => Number(box.value)),
  });

  const edit = (rule: AlertRuleRecord | null): void => {
    editingId = rule?.id ?? null;
    replaceChildren(result);
    title.textContent = rule === null ? 'New alert rule' : `Edit ${rule.name}`;
    submitButton.textContent = rule === null ? 'Create rule' : 'Save rule';
    newButton.hidden = rule === null;
    name.value = rule?.name ?? '';
    severity.value = rule?.severity ?? 'major';
    scopeKind.value = rule?.scope.kind ?? 'all';
    scopeValue.value = rule === null ? '' : scopeValueOf(rule.scope);
    isEnabled.checked = rule?.isEnabled ?? true;
    if (rule !== null) condition.set(rule.condition);
    for (const box of channelList.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) box.checked = rule?.channelIds.includes(Number(box.value)) ?? false;
    showScope();
  };

  previewButton.addEventListener('click', () => {
    replaceChildren(result, el('p', { class: 'muted' }, 'Looking…'));
    options.preview(read()).then((preview) => replaceChildren(result, previewView(preview))).catch((error: unknown) => replaceChildren(result, errorBox(error)));
  });
  newButton.addEventListener('click', () => edit(null));
  const form = el(
    'form',
    { class: 'rule-form', 'aria-labelledby': title.id },
    labeledField('Name', name),
    labeledField('Severity', severity),
    labeledField('Scope', scopeKind),
    scopeValueField,
    condition.element,
    el('fieldset', {}, el('legend', {}, 'Notify channels'), channelList),
    el('label', { class: 'checkbox' }, isEnabled, ' Enabled'),
    el('div', { class: 'button-row' }, submitButton, previewButton, newButton),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitButton.disabled = true;
    options
      .save(editingId, read())
      .then((saved) => {
        edit(saved);
        replaceChildren(result, el('div', { class: 'alert alert-success', role: 'status' }, `Saved ${saved.name} (version ${saved.version}).`));
        options.onSaved(saved);
      })
      .catch((error: unknown) => replaceChildren(result, errorBox(error)))
      .finally(() => {
        submitButton.disabled = false;
      });
  });

  return {
    element: el('section', { class: 'card' }, title, form),
    edit,
    showChannels: (channels) => {
      const checked = new Set([...channelList.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((box) => box.value));
      replaceChildren(channelList, ...channels.map((channel) => el('label', { class: 'checkbox' }, el('input', { type: 'checkbox', name: 'channel', value: channel.id, checked: checked.has(String(channel.id)) }), ` ${channel.name} (${channel.kind})`)));
      if (channels.length === 0) channelList.appendChild(el('span', { class: 'muted' }, 'No channels yet.'));
    },
  };
}
