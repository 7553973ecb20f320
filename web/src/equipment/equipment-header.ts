// The head of the equipment page: id, model (name, kind, maker), serial, site, the CWM it is behind, status, times.
import type { EquipmentDetail } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { deviceHref, modelHref } from '../hash-router.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';

export interface EquipmentHeader {
  readonly element: HTMLElement;
  readonly show: (detail: EquipmentDetail) => void;
}

export function createEquipmentHeader(equipmentId: string): EquipmentHeader {
  const title = el('h1', {}, el('span', { class: 'mono' }, equipmentId));
  const badges = el('span', { class: 'badge-row' });
  const facts = el('dl', { class: 'facts facts-wide' });
  const element = el('section', { class: 'card device-summary', 'aria-label': 'Equipment' }, el('div', { class: 'page-header' }, title, badges), facts);

  return {
    element,
    show: (detail) => {
      replaceChildren(title, el('span', { class: 'mono' }, detail.id), detail.model === null ? null : el('span', { class: 'device-name' }, detail.model.name));
      replaceChildren(badges, badge(detail.status), detail.isCwm ? badge('CWM', 'neutral') : null);
      const firstSeen = describeMoment(detail.firstSeenAt);
      const lastSeen = describeMoment(detail.lastSeenAt);
      replaceChildren(
        facts,
        el('dt', {}, 'Model'),
        el('dd', {}, modelFact(detail)),
        el('dt', {}, 'Kind'),
        el('dd', {}, detail.model?.kind ?? '-'),
        el('dt', {}, 'Maker'),
        el('dd', {}, detail.model?.maker ?? '-'),
        el('dt', { title: 'The origin id after its 4-digit model id (PROTOCOL.md Part B 1.4); a nameplate serial number, if sent, is below' }, 'Serial in the id'),
        el('dd', { class: 'mono' }, detail.serial ?? '-'),
        el('dt', {}, 'Site'),
        el('dd', {}, detail.site?.name ?? 'none'),
        el('dt', {}, 'CWM'),
        el('dd', {}, el('a', { href: deviceHref(detail.cwmId), class: 'mono' }, detail.cwmId)),
        el('dt', {}, 'First seen'),
        el('dd', { title: firstSeen.title }, firstSeen.text),
        el('dt', {}, 'Last seen'),
        el('dd', { title: lastSeen.title }, lastSeen.text),
      );
    },
  };
}

function modelFact(detail: EquipmentDetail): HTMLElement | string {
  if (detail.modelId === null) return 'unknown';
  const text = detail.model === null ? `${detail.modelId} (not in the catalog)` : detail.modelId;
  return el('a', { href: modelHref(detail.modelId), class: 'mono' }, text);
}
