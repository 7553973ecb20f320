// The frame around every page after login: navigation, live-connection indicator, operator and logout,
// and the node's health banner (not storing, low disk space) above the page.
import type { ApiClient } from './api-client.js';
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
      el('nav', { class: 'main-nav', 'aria-label': 'Main' }, fleetLink, devicesLink, setupLink, filesLink),
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
      const isDevices = route.name === 'devices' || route.name === 'device';
      fleetLink.removeAttribute('aria-current');
      devicesLink.removeAttribute('aria-current');
      setupLink.removeAttribute('aria-current');
      if (route.name === 'setup') setupLink.setAttribute('aria-current', 'page');
      if (route.name === 'fleet') fleetLink.setAttribute('aria-current', 'page');
      if (isDevices) devicesLink.setAttribute('aria-current', 'page');
      filesLink.removeAttribute('aria-current');
      if (route.name === 'files') filesLink.setAttribute('aria-current', 'page');
      content.replaceChildren(page);
      window.scrollTo(0, 0);
    },
    dispose: () => {
      stopWatching();
      healthBanner.dispose();
    },
  };
}
