// Open-alert counts on the rows of a table (fleet problems, devices, equipment): each row gets an empty slot, and
// once the page of rows is shown one /alerts/badges request fills every slot (never one request per row).
import type { ApiClient } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { badge } from '../status-badge.js';
import { openAlertsBadge } from './severity-badge.js';

const SLOT_ATTRIBUTE = 'data-alert-slot';

/** Where a row's open-alert badge goes. */
export function alertSlot(deviceId: string): HTMLSpanElement {
  return el('span', { [SLOT_ATTRIBUTE]: deviceId, class: 'alert-slot' });
}

/** Fills every slot inside `container` from one request; on a failure each slot says the count is unknown. */
export async function fillAlertBadges(api: ApiClient, container: HTMLElement): Promise<void> {
  const slots = [...container.querySelectorAll<HTMLElement>(`[${SLOT_ATTRIBUTE}]`)];
  const ids = slots.map((slot) => slot.getAttribute(SLOT_ATTRIBUTE) ?? '').filter((id) => id !== '');
  if (ids.length === 0) return;
  try {
    const badges = await api.alerts.badges(ids);
    for (const slot of slots) replaceChildren(slot, openAlertsBadge(badges.get(slot.getAttribute(SLOT_ATTRIBUTE) ?? '')));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    for (const slot of slots) replaceChildren(slot, badge('alerts ?', 'neutral', `open alerts unknown: ${reason}`));
  }
}
