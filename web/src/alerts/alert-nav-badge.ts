// The count of firing alerts next to the "Alerts" link (issue 16), from /alerts/summary: one small request per
// interval, whatever page is open, so an operator on any page sees that something fires.
import type { ApiClient } from '../api-client.js';
import { el } from '../dom-builder.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';

const REFRESH_MS = 15_000;

export interface AlertNavBadge {
  readonly element: HTMLElement;
  /** Asks again now (after an acknowledgement, a new rule). */
  readonly refresh: () => void;
  readonly dispose: () => void;
}

export function createAlertNavBadge(api: ApiClient): AlertNavBadge {
  const element = el('span', { class: 'nav-count', hidden: true, 'data-testid': 'alerts-nav-count' });
  const refresh = startPeriodicRefresh(async () => {
    const counts = await api.alerts.summary();
    element.hidden = counts.firing === 0;
    element.textContent = String(counts.firing);
    element.title = `${counts.firing} firing (${counts.firingUnacknowledged} not acknowledged), ${counts.pending} pending`;
    element.classList.toggle('nav-count-acknowledged', counts.firingUnacknowledged === 0);
  }, REFRESH_MS);
  refresh.runNow();
  return { element, refresh: refresh.runNow, dispose: refresh.stop };
}
