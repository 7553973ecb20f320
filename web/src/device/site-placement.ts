// The "Site" control of a CWM's page: where the CWM is (its own equipment entry knows), and placing it at a
// site by hand (PUT /devices/:id/site); the answer also says which gateway MAC the CWM last reported.
import type { ApiClient } from '../api-client.js';
import { ApiError } from '../api-client.js';
import type { Placement } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField, selectOf } from '../form-field.js';
import { routeHash } from '../hash-router.js';
import { formatTimestamp } from '../time-format.js';

/** Sites offered: one page; a larger estate is better served by the Sites page's search. */
const SITES_OFFERED = 500;
const NO_SITE = '';

export function createSitePlacement(api: ApiClient, deviceId: string): HTMLElement {
  const current = el('span', {}, '…');
  const siteSelect = selectOf('site', [[NO_SITE, 'No site']], NO_SITE);
  const placeButton = el('button', { type: 'submit' }, 'Place');
  const result = el('div', { 'aria-live': 'polite', class: 'small' });
  const form = el('form', { class: 'inline-actions', 'aria-label': 'Place this CWM at a site' }, labeledField('Site', siteSelect), placeButton);

  const load = async (): Promise<void> => {
    const [sites, equipment] = await Promise.allSettled([api.sites.list('', SITES_OFFERED, 0), api.equipment.get(deviceId)]);
    if (sites.status === 'fulfilled') {
      for (const site of sites.value.items) siteSelect.appendChild(el('option', { value: String(site.id) }, site.name));
    } else {
      replaceChildren(result, errorBox(sites.reason));
    }
    if (equipment.status === 'fulfilled') {
      const site = equipment.value.site;
      current.textContent = site?.name ?? 'none';
      siteSelect.value = site === null ? NO_SITE : String(site.id);
    } else {
      // A CWM never heard from has no equipment entry yet: it is at no site.
      const isUnknown = equipment.reason instanceof ApiError && equipment.reason.status === 404;
      current.textContent = isUnknown ? 'none' : 'unknown';
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    placeButton.disabled = true;
    const siteId = siteSelect.value === NO_SITE ? null : Number(siteSelect.value);
    api.equipment
      .placeDevice(deviceId, siteId)
      .then((placement) => {
        current.textContent = placement.siteId === null ? 'none' : (siteSelect.selectedOptions[0]?.textContent ?? String(placement.siteId));
        replaceChildren(result, describePlacement(placement));
      })
      .catch((error: unknown) => replaceChildren(result, errorBox(error)))
      .finally(() => {
        placeButton.disabled = false;
      });
  });
  void load();

  return el(
    'section',
    { class: 'card site-placement', 'aria-labelledby': 'site-placement-title' },
    el('div', { class: 'card-header' }, el('h2', { id: 'site-placement-title' }, 'Site'), el('span', {}, 'Now at: ', el('strong', { 'data-testid': 'current-site' }, current)), el('div', { class: 'toolbar-spacer' }), el('a', { href: routeHash({ name: 'sites' }), class: 'small' }, 'Manage sites')),
    form,
    result,
  );
}

function describePlacement(placement: Placement): HTMLElement {
  const how = placement.siteId === null ? 'At no site.' : placement.assignment === 'gateway' ? 'Placed by the gateway MAC it reported.' : 'Placed by hand.';
  const reported =
    placement.reportedGatewayMac === null
      ? 'It has not reported a gateway MAC.'
      : `Last reported gateway MAC: ${placement.reportedGatewayMac} (${formatTimestamp(placement.reportedGatewayMacAt)}).`;
  return el('p', { role: 'status' }, `${how} `, el('span', { class: 'reported-mac' }, reported));
}
