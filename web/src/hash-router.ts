// Maps the URL hash (#/devices/<id>) to a route, so the static console needs no server-side routing.

export type Route =
  | { readonly name: 'login' }
  | { readonly name: 'fleet' }
  | { readonly name: 'devices' }
  | { readonly name: 'device'; readonly deviceId: string }
  | { readonly name: 'setup' }
  | { readonly name: 'files'; readonly fileName: string | null };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'setup') return { name: 'setup' };
  if (parts[0] === 'files') return { name: 'files', fileName: parts[1] === undefined ? null : decodeURIComponent(parts[1]) };
  if (parts[0] === 'devices') {
    const encodedId = parts[1];
    if (encodedId === undefined) return { name: 'devices' };
    return { name: 'device', deviceId: decodeURIComponent(encodedId) };
  }
  return { name: 'fleet' };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'login':
      return '#/login';
    case 'fleet':
      return '#/fleet';
    case 'devices':
      return '#/devices';
    case 'device':
      return `#/devices/${encodeURIComponent(route.deviceId)}`;
    case 'setup':
      return '#/setup';
    case 'files':
      return route.fileName === null ? '#/files' : `#/files/${encodeURIComponent(route.fileName)}`;
  }
}

export function deviceHref(deviceId: string): string {
  return routeHash({ name: 'device', deviceId });
}

/** Calls `onRoute` now and on every hash change; returns the function that stops listening. */
export function watchRoute(onRoute: (route: Route) => void): () => void {
  const listener = (): void => onRoute(parseRoute(window.location.hash));
  window.addEventListener('hashchange', listener);
  listener();
  return () => window.removeEventListener('hashchange', listener);
}

export function navigate(route: Route): void {
  const hash = routeHash(route);
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else window.location.hash = hash;
}
