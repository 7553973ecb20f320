// A model's saved versions, newest first: who saved each and when; any version can be loaded into the editor.
import type { ModelVersion } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';

export interface VersionHistory {
  readonly element: HTMLElement;
  readonly show: (versions: readonly ModelVersion[]) => void;
}

export function createVersionHistory(onLoad: (version: ModelVersion) => void): VersionHistory {
  const body = el('tbody');
  const content = el('div');
  const table = el(
    'table',
    { class: 'data-table compact versions-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', class: 'numeric' }, 'Version'), el('th', { scope: 'col' }, 'Saved'), el('th', { scope: 'col' }, 'By'), el('th', { scope: 'col' }, 'Fields'), el('th', { scope: 'col' }, ''))),
    body,
  );
  const element = el('section', { class: 'card', 'aria-labelledby': 'versions-title' }, el('h2', { id: 'versions-title' }, 'Version history'), content);

  return {
    element,
    show: (versions) => {
      replaceChildren(
        body,
        ...versions.map((version) => {
          const saved = describeMoment(version.savedAt);
          const load = el('button', { type: 'button', class: 'small', 'aria-label': `Load version ${version.version} into the editor` }, 'Load');
          load.addEventListener('click', () => onLoad(version));
          return el(
            'tr',
            {},
            el('td', { class: 'numeric' }, version.version),
            el('td', { title: saved.title }, saved.text),
            el('td', {}, version.savedBy),
            el('td', {}, version.isDeletion ? badge('deleted', 'bad') : String(version.model.fields.length)),
            el('td', {}, version.isDeletion ? null : load),
          );
        }),
      );
      replaceChildren(content, versions.length === 0 ? el('p', { class: 'muted' }, 'Not saved yet.') : table);
    },
  };
}
