// The silences in force (a rule, a site or a device kept quiet until a time), each with its reason and an End
// button; and the dialog that adds one from an alert (its rule or its device, for some hours).
import type { ApiClient } from '../api-client.js';
import type { Alert, Silence } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';
import { deviceHref } from '../hash-router.js';
import { formatTimestamp } from '../time-format.js';
import { openActionDialog } from './alert-dialog.js';

const HOUR_MS = 3_600_000;

export interface SilencePanel {
  readonly element: HTMLElement;
  readonly reload: () => Promise<void>;
}

function targetOf(silence: Silence): HTMLElement | string {
  if (silence.ruleId !== null) return `rule #${silence.ruleId}`;
  if (silence.deviceId !== null) return el('a', { href: deviceHref(silence.deviceId), class: 'mono' }, silence.deviceId);
  return `site #${silence.siteId ?? '-'}`;
}

export function createSilencePanel(api: ApiClient): SilencePanel {
  const body = el('tbody');
  const errorArea = el('div');
  const table = el('table', { class: 'data-table silences-table' }, el('thead', {}, el('tr', {}, ...['Silenced', 'Until', 'Reason', 'By', ''].map((text) => el('th', { scope: 'col' }, text)))), body);

  const reload = async (): Promise<void> => {
    try {
      const silences = await api.alerts.listSilences();
      replaceChildren(errorArea);
      replaceChildren(body, ...silences.map((silence) => {
        const endButton = el('button', { type: 'button', class: 'small' }, 'End');
        endButton.addEventListener('click', () => {
          api.alerts.removeSilence(silence.id).then(reload).catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));
        });
        return el('tr', {}, el('td', {}, targetOf(silence)), el('td', {}, formatTimestamp(silence.until)), el('td', {}, silence.reason), el('td', {}, silence.createdBy), el('td', { class: 'actions' }, endButton));
      }));
      if (silences.length === 0) body.appendChild(el('tr', {}, el('td', { colspan: 5, class: 'muted empty-row' }, 'Nothing is silenced.')));
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };

  const element = el('section', { class: 'card' }, el('div', { class: 'card-header' }, el('h2', {}, 'Silences')), errorArea, el('div', { class: 'table-scroll' }, table));
  return { element, reload };
}

/** Asks what to silence about `alert` (its device, its rule or its site), for how long and why; then adds the silence. */
export function openSilenceDialog(api: ApiClient, alert: Alert, onSilenced: () => void): void {
  const choices: Array<[string, string]> = [['device', `Device ${alert.cwmId}`], ['rule', `Rule "${alert.ruleName}"`]];
  // The whole site, when the CWM was at one as the alert opened (a kitchen closed for a deep clean).
  if (alert.siteId !== null) choices.push(['site', `Site ${alert.siteId} (every device there)`]);
  const target = selectOf('target', choices);
  const hours = el('input', { type: 'number', name: 'hours', min: 1, max: 2160, step: 1, value: 4, required: true });
  const reason = el('input', { name: 'reason', maxlength: 500, required: true, autocomplete: 'off', placeholder: 'e.g. maintenance' });
  openActionDialog({
    title: 'Silence notifications',
    fields: [labeledField('Silence', target), labeledField('For hours', hours), labeledField('Reason', reason)],
    submitLabel: 'Silence',
    submit: async () => {
      const until = new Date(Date.now() + Number(hours.value) * HOUR_MS).toISOString();
      const what = target.value === 'rule' ? { ruleId: alert.ruleId } : target.value === 'site' && alert.siteId !== null ? { siteId: alert.siteId } : { deviceId: alert.cwmId };
      await api.alerts.addSilence({ ...what, until, reason: reason.value });
      onSilenced();
    },
  });
}
