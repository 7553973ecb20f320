// The links between the three alert pages (alerts, rules, channels), shown at the top of each.
import { el } from '../dom-builder.js';
import { routeHash, type Route } from '../hash-router.js';

const PAGES: ReadonlyArray<readonly [Route['name'] & ('alerts' | 'alert-rules' | 'notification-channels'), string]> = [
  ['alerts', 'Alerts'],
  ['alert-rules', 'Alert rules'],
  ['notification-channels', 'Notification channels'],
];

export function alertsSectionNav(current: 'alerts' | 'alert-rules' | 'notification-channels'): HTMLElement {
  return el(
    'nav',
    { class: 'section-nav', 'aria-label': 'Alerts sections' },
    ...PAGES.map(([name, label]) => el('a', { href: routeHash({ name }), class: 'tab-link', 'aria-current': name === current ? 'page' : undefined }, label)),
  );
}
