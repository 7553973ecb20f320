// "Waiting for the first request from your CWM": the newest device requests from the traffic recorder,
// each with what we answered and, when refused, why and what to do about it.
import type { ApiClient } from '../api-client.js';
import type { TrafficEntry } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { Disposables } from '../page.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';
import { badge, httpStatusBadge } from '../status-badge.js';
import { formatTimestamp } from '../time-format.js';

const POLL_INTERVAL_MS = 2000;
const SHOWN_REQUESTS = 15;

/** What each refusal means during a bring-up, and the fix. */
const REFUSAL_HINTS: Readonly<Record<string, string>> = {
  ERR_CLIENT_CERT_MISSING: 'no client certificate was presented: enter files 2, 3 and 4 in the CWM',
  ERR_CLIENT_CERT_UNTRUSTED: 'the client certificate is not from this server\'s CA: enter file 2 (and 3) from this page',
  ERR_CLIENT_CERT_REVOKED: 'the client certificate was revoked: issue a new one (step 5) and enter it',
  ERR_CLIENT_CERT_EXPIRED: 'the client certificate has expired or the CWM clock is wrong',
  ERR_DEVICE_UNKNOWN: 'this CWM is not registered: add it on the Devices page with its provisioning key',
  ERR_SIGNATURE_INVALID: 'the HMAC does not match: the provisioning key given to the CWM differs from ours',
  ERR_SIGNATURE_MISSING: 'the request is not signed: give the CWM its provisioning key (or run with --auth open for bring-up)',
  ERR_ROUTE_NOT_FOUND: 'an unknown path: check the endpoint value (no path after the host name)',
};

/** True for requests a CWM makes (it names itself or presents a certificate), as opposed to a browser check. */
export function isFromDevice(entry: TrafficEntry): boolean {
  return entry.claimedDeviceId !== null || entry.clientCertSubject !== null || entry.url.startsWith('/provision') || entry.url.startsWith('/push');
}

export interface WaitingPanel {
  readonly element: HTMLElement;
  readonly dispose: () => void;
}

/** `onDeviceRequests` gets the recent requests that came from devices, newest first, whenever there are any. */
export function createWaitingPanel(api: ApiClient, onDeviceRequests: (entries: readonly TrafficEntry[]) => void): WaitingPanel {
  const disposables = new Disposables();
  const list = el('ol', { class: 'arrivals', reversed: true });
  const status = el('p', { class: 'waiting-status', role: 'status', 'aria-live': 'polite' });
  const errorArea = el('div');

  const renderEntry = (entry: TrafficEntry): HTMLLIElement => {
    const isAnswered = entry.status !== null && entry.status < 300;
    const hint = entry.errorCode === null ? null : (REFUSAL_HINTS[entry.errorCode] ?? entry.errorCode);
    return el(
      'li',
      { class: `arrival ${isAnswered ? 'arrival-ok' : 'arrival-refused'}` },
      el('span', { class: 'nowrap muted' }, formatTimestamp(entry.receivedAt)),
      el('span', { class: 'mono' }, entry.method, ' ', entry.url.split('?')[0] ?? entry.url),
      httpStatusBadge(entry.status),
      el('span', {}, entry.claimedDeviceId === null ? el('span', { class: 'muted' }, isFromDevice(entry) ? 'no device id' : 'browser or unknown client') : el('span', { class: 'mono' }, entry.claimedDeviceId)),
      el('span', { class: 'mono small' }, entry.remoteAddress ?? '-'),
      entry.clientCertSubject === null ? el('span', { class: 'muted small' }, 'no client certificate') : el('span', { class: 'small' }, 'certificate ', el('span', { class: 'mono' }, entry.clientCertSubject)),
      isAnswered ? badge('answered', 'good') : el('span', { class: 'arrival-reason' }, badge(entry.errorCode ?? 'refused', 'bad'), ' ', hint ?? ''),
    );
  };

  const refresh = async (): Promise<void> => {
    try {
      const entries = (await api.listRecentTraffic(SHOWN_REQUESTS)).reverse();
      replaceChildren(errorArea);
      replaceChildren(list, ...entries.map(renderEntry));
      const fromDevices = entries.filter(isFromDevice);
      if (fromDevices.length > 0) {
        status.textContent = `${entries.length} recent request${entries.length === 1 ? '' : 's'}; the newest is shown first.`;
        onDeviceRequests(fromDevices);
      } else {
        status.textContent = entries.length === 0 ? 'Waiting for the first request from your CWM…' : 'Waiting for the first request from your CWM… (only browser checks so far)';
      }
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };
  const poller = startPeriodicRefresh(refresh, POLL_INTERVAL_MS);
  disposables.add(poller.stop);
  void refresh();

  return {
    element: el('div', { class: 'waiting-panel' }, status, errorArea, list),
    dispose: () => disposables.disposeAll(),
  };
}
