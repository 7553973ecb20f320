// The "Site" control of a CWM's page: the site the CWM is at (its device record says), and placing it at a
// site by hand (PUT /devices/:id/site); the answer also says which gateway MAC the CWM last reported.
import type { ApiClient } from '../api-client.js';
import type { Placement } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';
import { routeHash } from '../routes.js';
import { formatTimestamp } from '../time-format.js';

/** Sites offered: one page; a larger estate is better served by the Sites page's search. */
const SITES_OFFERED = 500;
const NO_SITE = '';

export interface SitePlacement {
  readonly element: HTMLElement;
  /** Shows the site the device record names; the select follows only when that site changes. */
  readonly showSite: (siteId: number | null) => void;
}

export function createSitePlacement(api: ApiClient, deviceId: string): SitePlacement {
  const siteNames = new Map<number, string>();
  /** undefined until the device record is read; then the site it names (null: none). */
  let shownSiteId: number | null | undefined;
  const current = el('span', {}, '…');
  const siteSelect = selectOf('site', [[NO_SITE, 'No site']], NO_SITE);
  const placeButton = el('button', { type: 'submit' }, 'Place');
  const result = el('div', { 'aria-live': 'polite', class: 'small' });
  const form = el('form', { class: 'inline-actions', 'aria-label': 'Place this CWM at a site' }, labeledField('Site', siteSelect), placeButton);

  const nameOf = (siteId: number | null): string => (siteId === null ? 'none' : (siteNames.get(siteId) ?? `site ${siteId}`));
  const render = (siteId: number | null): void => {
    current.textContent = nameOf(siteId);
    siteSelect.value = siteId === null ? NO_SITE : String(siteId);
  };

  api.sites
    .list('', SITES_OFFERED, 0)
    .then((page) => {
      for (const site of page.items) {
        siteNames.set(site.id, site.name);
        siteSelect.appendChild(el('option', { value: String(site.id) }, site.name));
      }
      if (shownSiteId !== undefined) render(shownSiteId);
    })
    .catch((error: unknown) => replaceChildren(result, errorBox(error)));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    placeButton.disabled = true;
    const siteId = siteSelect.value === NO_SITE ? null : Number(siteSelect.value);
    api.equipment
      .placeDevice(deviceId, siteId)
      .then((placement) => {
        shownSiteId = placement.siteId;
        render(placement.siteId);
        replaceChildren(result, describePlacement(placement));
      })
      .catch((error: unknown) => replaceChildren(result, errorBox(error)))
      .finally(() => {
        placeButton.disabled = false;
      });
  });

  const element = el(
    'section',
    { class: 'card site-placement', 'aria-labelledby': 'site-placement-title' },
    el(
      'div',
      { class: 'card-header' },
      el('h2', { id: 'site-placement-title' }, 'Site'),
      el('span', {}, 'Now at: ', el('strong', { 'data-testid': 'current-site' }, current)),
      el('div', { class: 'toolbar-spacer' }),
      el('a', { href: routeHash({ name: 'sites' }), class: 'small' }, 'Manage sites'),
    ),
    form,
    result,
  );
  return {
    element,
    showSite: (siteId) => {
      // A periodic refresh must not undo the choice an operator is making in the select.
      if (siteId === shownSiteId) return;
      shownSiteId = siteId;
      render(siteId);
    },
  };
}

function describePlacement(placement: Placement): HTMLElement {
  const how = placement.siteId === null ? 'At no site.' : placement.assignment === 'gateway' ? 'Placed by the gateway MAC it reported.' : 'Placed by hand.';
  const reported =
    placement.reportedGatewayMac === null
      ? 'It has not reported a gateway MAC.'
      : `Last reported gateway MAC: ${placement.reportedGatewayMac} (${formatTimestamp(placement.reportedGatewayMacAt)}).`;
  return el('p', { role: 'status' }, `${how} `, el('span', { class: 'reported-mac' }, reported));
}
