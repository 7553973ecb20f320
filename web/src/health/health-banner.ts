// A banner above every page while the node cannot store (devices refused with 503) or is running out
// of disk space, from GET /api/v1/health; empty while all is well.
import type { ApiClient } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { formatBytes } from '../files/file-model.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';
import { formatAge, formatTimestamp } from '../time-format.js';
import type { DirectorySpace, NodeHealth } from './health-model.js';

/** As often as the fleet page refreshes; the banner must not lag far behind /healthz. */
const REFRESH_INTERVAL_MS = 10_000;

const ROLE_TEXT: Readonly<Record<DirectorySpace['role'], string>> = { data: 'data directory', files: 'files directory' };

export interface HealthBanner {
  readonly element: HTMLElement;
  readonly dispose: () => void;
}

function storeAlert(health: NodeHealth): HTMLElement | null {
  const { store } = health;
  if (store.isAvailable) return null;
  const since = store.failingSince === null ? '' : ` since ${formatTimestamp(store.failingSince)} (${formatAge(store.failingSince)})`;
  const detail =
    store.failingSince === null
      ? 'The store is not answering.'
      : `Store writes are failing: ${store.reason ?? 'unknown reason'}${since}, ${store.failedWrites} failed so far.`;
  return el(
    'div',
    { class: 'alert alert-error health-alert', role: 'alert' },
    el('strong', {}, 'Not storing. '),
    `${detail} Devices are refused with 503 ${store.error ?? 'ERR_STORE_UNAVAILABLE'} and retry later; /healthz answers 503. `,
    store.reason === 'disk full' ? 'Free disk space: writes resume within a second.' : '',
  );
}

function diskAlert(health: NodeHealth): HTMLElement | null {
  const low = health.disk.directories.filter((directory) => directory.isLow);
  if (low.length === 0) return null;
  return el(
    'div',
    { class: 'alert alert-warn health-alert', role: 'status' },
    el('strong', {}, 'Low disk space. '),
    ...low.map(
      (directory) =>
        `${formatBytes(directory.freeBytes ?? 0)} free under ${directory.path} (${ROLE_TEXT[directory.role]}), below ${formatBytes(health.disk.minFreeBytes)} (--min-free-disk-mb). `,
    ),
    'The store refuses writes when it runs out.',
  );
}

export function createHealthBanner(api: ApiClient): HealthBanner {
  const element = el('div', { class: 'health-banner', 'aria-live': 'polite' });
  const refresh = async (): Promise<void> => {
    try {
      const health = await api.getHealth();
      // The status as last read, for styles and for tests that wait for a refresh to land.
      element.dataset['status'] = health.status;
      replaceChildren(element, ...[storeAlert(health), diskAlert(health)].filter((alert) => alert !== null));
    } catch (error) {
      // The pages show their own errors (a lost session, the server gone); a second box here would only repeat them.
      console.warn('reading /api/v1/health failed', error);
    }
  };
  const poller = startPeriodicRefresh(refresh, REFRESH_INTERVAL_MS);
  void refresh();
  return { element, dispose: poller.stop };
}
