// Creates a notification channel: a webhook (its signing secret shown once, right after) or e-mail over an SMTP
// server. The server's refusal names the member (ERR_CHANNEL_INVALID "url: must be https ...").
import type { CreatedChannel, NewChannel } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';

const SEVERITIES = ['warning', 'minor', 'major', 'critical'] as const;

export interface ChannelFormOptions {
  readonly create: (channel: NewChannel) => Promise<CreatedChannel>;
  readonly onCreated: (channel: CreatedChannel) => void;
}

export function createChannelForm(options: ChannelFormOptions): HTMLElement {
  const kind = selectOf('kind', [['webhook', 'Webhook'], ['email', 'E-mail']], 'webhook');
  const name = el('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' });
  const minSeverity = selectOf('minSeverity', SEVERITIES.map((value) => [value, value === 'warning' ? 'all (warning and up)' : `${value} and up`] as const), 'warning');
  const url = el('input', { name: 'url', type: 'text', autocomplete: 'off', placeholder: 'https://hooks.example.com/opentps', class: 'mono' });
  const to = el('input', { name: 'to', autocomplete: 'off', placeholder: 'a@example.com, b@example.com' });
  const from = el('input', { name: 'from', autocomplete: 'off', placeholder: 'opentps@example.com' });
  const smtpHost = el('input', { name: 'smtpHost', autocomplete: 'off', placeholder: 'smtp.example.com' });
  const smtpPort = el('input', { name: 'smtpPort', type: 'number', min: 1, max: 65535, value: 587 });
  const smtpSecure = el('input', { name: 'smtpSecure', type: 'checkbox' });
  const smtpUser = el('input', { name: 'smtpUser', autocomplete: 'off' });
  const smtpPassword = el('input', { name: 'smtpPassword', type: 'password', autocomplete: 'new-password' });
  const webhookFields = el('div', {}, labeledField('URL', url, 'https; http only to localhost'));
  const emailFields = el(
    'div',
    {},
    labeledField('To', to, '1 to 20 addresses, separated by commas'),
    labeledField('From', from),
    el('div', { class: 'field-row' }, labeledField('SMTP host', smtpHost), labeledField('SMTP port', smtpPort)),
    el('label', { class: 'checkbox' }, smtpSecure, ' Implicit TLS (port 465)'),
    el('div', { class: 'field-row' }, labeledField('SMTP user (optional)', smtpUser), labeledField('SMTP password (optional)', smtpPassword)),
  );
  const show = (): void => {
    webhookFields.hidden = kind.value !== 'webhook';
    emailFields.hidden = kind.value !== 'email';
  };
  kind.addEventListener('change', show);
  show();
  const result = el('div', { 'aria-live': 'polite' });
  const submitButton = el('button', { type: 'submit', class: 'primary' }, 'Create channel');
  const form = el('form', { class: 'channel-form' }, labeledField('Kind', kind), labeledField('Name', name), labeledField('Notify of', minSeverity), webhookFields, emailFields, el('div', { class: 'button-row' }, submitButton), result);

  const read = (): NewChannel => {
    const common = { name: name.value.trim(), minSeverity: SEVERITIES.find((value) => value === minSeverity.value) ?? 'warning' };
    if (kind.value === 'webhook') return { kind: 'webhook', ...common, url: url.value.trim() };
    return {
      kind: 'email', ...common, to: to.value.split(',').map((address) => address.trim()).filter((address) => address !== ''), from: from.value.trim(), smtpHost: smtpHost.value.trim(),
      smtpPort: Number(smtpPort.value), smtpSecure: smtpSecure.checked, smtpUser: smtpUser.value === '' ? null : smtpUser.value, smtpPassword: smtpPassword.value === '' ? null : smtpPassword.value,
    };
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitButton.disabled = true;
    options
      .create(read())
      .then((channel) => {
        form.reset();
        show();
        const secret = channel.secret === null
          ? null
          : el('div', {}, el('p', {}, 'The signing secret, shown this once: give it to the receiver to verify the webhook-signature header.'), el('input', { readonly: true, class: 'mono secret-output', value: channel.secret, 'aria-label': 'Webhook secret', 'data-testid': 'webhook-secret' }));
        replaceChildren(result, el('div', { class: 'alert alert-success', role: 'status' }, el('p', {}, `Created ${channel.name}.`), secret));
        options.onCreated(channel);
      })
      .catch((error: unknown) => replaceChildren(result, errorBox(error)))
      .finally(() => {
        submitButton.disabled = false;
      });
  });
  return el('section', { class: 'card' }, el('h2', {}, 'New channel'), form);
}
