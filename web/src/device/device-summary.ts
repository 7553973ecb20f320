// The head of the device page: name, status, last contact and counters of one CWM.
import type { Device } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';

export interface DeviceSummary {
  readonly element: HTMLElement;
  readonly show: (device: Device) => void;
  readonly markSeen: (at: string) => void;
}

export function createDeviceSummary(deviceId: string): DeviceSummary {
  const title = el('h1', {}, el('span', { class: 'mono' }, deviceId));
  const badges = el('span', { class: 'badge-row' });
  const facts = el('dl', { class: 'facts facts-wide' });
  const lastSeen = el('dd', {});
  const element = el('section', { class: 'card device-summary' }, el('div', { class: 'page-header' }, title, badges), facts);

  return {
    element,
    show: (device) => {
      replaceChildren(title, el('span', { class: 'mono' }, device.id), device.name === null || device.name === '' ? null : el('span', { class: 'device-name' }, device.name));
      replaceChildren(
        badges,
        badge(device.status),
        device.isDisabled ? badge('disabled', 'bad') : null,
        device.isRegistered ? null : badge('not registered', 'warn'),
      );
      const seen = describeMoment(device.lastSeenAt);
      lastSeen.textContent = seen.text;
      lastSeen.title = seen.title;
      replaceChildren(
        facts,
        el('dt', {}, 'Last seen'),
        lastSeen,
        el('dt', {}, 'Expected interval'),
        el('dd', {}, device.expectedIntervalS === null ? '-' : `${device.expectedIntervalS} s`),
        el('dt', {}, 'Remote address'),
        el('dd', { class: 'mono' }, device.lastRemoteAddress ?? '-'),
        el('dt', {}, 'Time zone'),
        el('dd', {}, device.timeZone ?? '-'),
        el('dt', {}, 'OKEs'),
        el('dd', { class: 'mono' }, device.okeIds.length === 0 ? 'none' : device.okeIds.join(', ')),
        el('dt', {}, 'Queued messages'),
        el('dd', {}, device.queuedCount),
        el('dt', {}, 'OKMs received'),
        el('dd', {}, device.okmCount),
        el('dt', {}, 'CRC failures'),
        el('dd', {}, device.crcFailureCount),
        el('dt', { title: 'Signed pulls refused because they repeated one already taken (a replayed URL, or a CWM clock set back)' }, 'Replayed pulls refused'),
        el('dd', {}, device.replaysRefusedCount > 0 ? badge(String(device.replaysRefusedCount), 'warn') : '0'),
      );
    },
    markSeen: (at) => {
      const seen = describeMoment(at);
      lastSeen.textContent = seen.text;
      lastSeen.title = seen.title;
    },
  };
}
