// The frame around every page after login: navigation, live-connection indicator, operator and logout,
// and the node's health banner (not storing, low disk space) above the page.
import { debounce } from './debounce.js';
import type { ApiClient } from './api-client.js';
import { createAlertNavBadge } from './alerts/alert-nav-badge.js';
import { el } from './dom-builder.js';
import { createHealthBanner } from './health/health-banner.js';
import type { Route } from './hash-router.js';
import { routeHash } from './hash-router.js';
import type { ConnectionState, LiveEvents } from './live-events.js';

export interface AppShell {
  readonly element: HTMLElement;
  readonly mount: (page: HTMLElement, route: Route) => void;
  readonly dispose: () => void;
}

const CONNECTION_TEXT: Readonly<Record<ConnectionState, string>> = {
  open: 'Live',
  connecting: 'Reconnecting…',
  closed: 'Offline',
};

export function createAppShell(operatorName: string, api: ApiClient, events: LiveEvents, onLogout: () => void): AppShell {
  const fleetLink = el('a', { href: routeHash({ name: 'fleet' }) }, 'Fleet');
  const devicesLink = el('a', { href: routeHash({ name: 'devices' }) }, 'Devices');
  const setupLink = el('a', { href: routeHash({ name: 'setup' }) }, 'CWM setup');
  const filesLink = el('a', { href: routeHash({ name: 'files', fileName: null }) }, 'Files');
  const equipmentLink = el('a', { href: routeHash({ name: 'equipment' }) }, 'Equipment');
  const modelsLink = el('a', { href: routeHash({ name: 'models' }) }, 'Models');
  const sitesLink = el('a', { href: routeHash({ name: 'sites' }) }, 'Sites');
  const alertNavBadge = createAlertNavBadge(api);
  // An alert that fires, resolves or is acknowledged anywhere updates the count at once (a burst: one request).
  const alertCountUpdate = debounce(() => alertNavBadge.refresh(), 300);
  const stopAlertEvents = events.on('alert', () => alertCountUpdate.trigger());
  const alertsLink = el('a', { href: routeHash({ name: 'alerts' }) }, 'Alerts', alertNavBadge.element);
  /** Which link is current for each route: a detail page marks its list's link. */
  const linkOfRoute = (route: Route): HTMLAnchorElement | null => {
    switch (route.name) {
      case 'fleet':
        return fleetLink;
      case 'devices':
      case 'device':
        return devicesLink;
      case 'equipment':
      case 'equipment-item':
        return equipmentLink;
      case 'models':
      case 'model':
        return modelsLink;
      case 'sites':
        return sitesLink;
      case 'setup':
        return setupLink;
      case 'files':
        return filesLink;
      case 'alerts':
      case 'alert-rules':
      case 'notification-channels':
        return alertsLink;
      case 'login':
        return null;
    }
  };
  const navLinks = [fleetLink, devicesLink, equipmentLink, alertsLink, modelsLink, sitesLink, setupLink, filesLink];
  const connection = el('span', { class: 'connection', role: 'status' });
  const logoutButton = el('button', { type: 'button', class: 'logout' }, 'Log out');
  logoutButton.addEventListener('click', onLogout);
  const content = el('div', { class: 'content' });
  const healthBanner = createHealthBanner(api);
  const element = el(
    'div',
    { class: 'app' },
    el(
      'header',
      { class: 'topbar' },
      el('a', { class: 'brand', href: routeHash({ name: 'fleet' }) }, 'OpenTPS'),
      el('nav', { class: 'main-nav', 'aria-label': 'Main' }, ...navLinks),
      el('div', { class: 'toolbar-spacer' }),
      connection,
      el('span', { class: 'operator' }, 'Signed in as ', el('strong', {}, operatorName)),
      logoutButton,
    ),
    healthBanner.element,
    content,
  );
  const stopWatching = events.onConnectionChange((state) => {
    connection.textContent = CONNECTION_TEXT[state];
    connection.className = `connection connection-${state}`;
  });

  return {
    element,
    mount: (page, route) => {
      for (const link of navLinks) link.removeAttribute('aria-current');
      linkOfRoute(route)?.setAttribute('aria-current', 'page');
      content.replaceChildren(page);
      window.scrollTo(0, 0);
      // A page change is when an operator looks: the count then is the count now.
      alertNavBadge.refresh();
    },
    dispose: () => {
      stopWatching();
      healthBanner.dispose();
      alertNavBadge.dispose();
      alertCountUpdate.cancel();
      stopAlertEvents();
    },
  };
}
