// Creates or edits a site: name, address, time zone, gateway MACs (one per line). The API's refusals are shown
// by the field they are about (a bad time zone, a malformed or taken MAC, a taken name), others above the form.
import { ApiError } from '../api-client.js';
import type { SiteInput } from '../api/site-api.js';
import type { Site } from '../api-model.js';
import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import { errorBox } from '../error-message.js';

const SITE_MEMBERS = ['name', 'address', 'timeZone', 'gatewayMacs'] as const;
type SiteMember = (typeof SITE_MEMBERS)[number];

/** Which input each refusal of the API is about. */
const FIELD_OF_ERROR: Readonly<Record<string, SiteMember>> = {
  ERR_SITE_NAME_TAKEN: 'name',
  ERR_TIME_ZONE_INVALID: 'timeZone',
  ERR_GATEWAY_MAC_INVALID: 'gatewayMacs',
  ERR_GATEWAY_MAC_TAKEN: 'gatewayMacs',
};

export interface SiteForm {
  readonly element: HTMLElement;
  /** Starts editing `site`, or a new site (null). */
  readonly edit: (site: Site | null) => void;
}

export interface SiteFormOptions {
  readonly save: (siteId: number | null, input: SiteInput) => Promise<Site>;
  readonly onSaved: (site: Site) => void;
}

export function createSiteForm(options: SiteFormOptions): SiteForm {
  let editingId: number | null = null;
  const title = el('h2', { id: uniqueId('site-form-title') }, 'New site');
  const listId = uniqueId('time-zones');
  const timeZones = el('datalist', { id: listId }, ...supportedTimeZones().map((zone) => el('option', { value: zone })));
  const controls: Record<SiteMember, HTMLInputElement | HTMLTextAreaElement> = {
    name: el('input', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' }),
    address: el('input', { name: 'address', maxlength: 500, autocomplete: 'off' }),
    timeZone: el('input', { name: 'timeZone', list: listId, placeholder: 'e.g. Europe/Paris', autocomplete: 'off' }),
    gatewayMacs: el('textarea', { name: 'gatewayMacs', rows: 3, class: 'mono', placeholder: 'e.g. aa:bb:cc:dd:ee:ff' }),
  };
  const messages: Record<SiteMember, HTMLElement> = {
    name: el('div', { class: 'field-problem', role: 'alert' }),
    address: el('div', { class: 'field-problem', role: 'alert' }),
    timeZone: el('div', { class: 'field-problem', role: 'alert' }),
    gatewayMacs: el('div', { class: 'field-problem', role: 'alert' }),
  };
  const fieldOf = (member: SiteMember, labelText: string, hint?: string): HTMLElement => {
    const control = controls[member];
    const message = messages[member];
    control.id = uniqueId(`site-${member}`);
    message.id = `${control.id}-problem`;
    control.setAttribute('aria-describedby', message.id);
    return el('div', { class: 'field' }, el('label', { for: control.id }, labelText), control, hint === undefined ? null : el('small', { class: 'hint' }, hint), message);
  };
  const submitButton = el('button', { type: 'submit', class: 'primary' }, 'Create site');
  const cancelButton = el('button', { type: 'button', hidden: true }, 'Cancel');
  const result = el('div', { 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'site-form', 'aria-labelledby': title.id },
    fieldOf('name', 'Name'),
    fieldOf('address', 'Address (optional)'),
    fieldOf('timeZone', 'Time zone (optional)', 'IANA name; the default of its CWMs\' clocks.'),
    fieldOf('gatewayMacs', 'Gateway MACs (optional)', 'One per line: a CWM reporting one of them is placed here.'),
    el('div', { class: 'button-row' }, submitButton, cancelButton),
  );

  const clearProblems = (): void => {
    for (const member of SITE_MEMBERS) {
      replaceChildren(messages[member]);
      controls[member].removeAttribute('aria-invalid');
    }
    replaceChildren(result);
  };

  const edit = (site: Site | null): void => {
    editingId = site?.id ?? null;
    clearProblems();
    title.textContent = site === null ? 'New site' : `Edit ${site.name}`;
    submitButton.textContent = site === null ? 'Create site' : 'Save site';
    cancelButton.hidden = site === null;
    controls.name.value = site?.name ?? '';
    controls.address.value = site?.address ?? '';
    controls.timeZone.value = site?.timeZone ?? '';
    controls.gatewayMacs.value = site?.gatewayMacs.join('\n') ?? '';
  };

  const readInput = (): SiteInput => {
    const optional = (text: string): string | null => (text.trim() === '' ? null : text.trim());
    return {
      name: controls.name.value.trim(),
      address: optional(controls.address.value),
      timeZone: optional(controls.timeZone.value),
      gatewayMacs: controls.gatewayMacs.value
        .split(/[\n,]/)
        .map((mac) => mac.trim())
        .filter((mac) => mac !== ''),
    };
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearProblems();
    submitButton.disabled = true;
    const wasNew = editingId === null;
    options
      .save(editingId, readInput())
      .then((site) => {
        edit(null);
        replaceChildren(result, el('div', { class: 'alert alert-success', role: 'status' }, `${wasNew ? 'Created' : 'Saved'} ${site.name}.`));
        options.onSaved(site);
      })
      .catch((error: unknown) => {
        const member = error instanceof ApiError ? FIELD_OF_ERROR[error.code] : undefined;
        if (member === undefined || !(error instanceof ApiError)) {
          replaceChildren(result, errorBox(error));
          return;
        }
        controls[member].setAttribute('aria-invalid', 'true');
        replaceChildren(messages[member], `${error.message} (${error.code})`);
        controls[member].focus();
      })
      .finally(() => {
        submitButton.disabled = false;
      });
  });
  cancelButton.addEventListener('click', () => edit(null));

  return { element: el('section', { class: 'card', 'aria-labelledby': title.id }, title, form, timeZones, result), edit };
}

/** The browser's IANA zones for the suggestions; older browsers get none and the operator types the name. */
function supportedTimeZones(): string[] {
  return typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
}
