// Follows the URL hash (#/devices/<id>) so the static console needs no server-side routing; the routes
// themselves are in routes.ts.
import { parseRoute, routeHash, type Route } from './routes.js';

export { deviceHref, equipmentHref, modelHref, parseRoute, routeHash, type Route } from './routes.js';

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
