// The files a device downloaded (signed downloads are attributed to it): progress per file.
import type { ApiClient } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { createTransfersTable } from '../files/transfers-table.js';

export interface FileTransfersPanel {
  readonly element: HTMLElement;
  readonly refresh: () => Promise<void>;
}

export function createFileTransfersPanel(api: ApiClient, deviceId: string): FileTransfersPanel {
  const table = createTransfersTable('file');
  const errorArea = el('div');
  const element = el(
    'section',
    { class: 'card', id: 'files', 'aria-labelledby': 'device-files-title' },
    el('div', { class: 'card-header' }, el('h2', { id: 'device-files-title' }, 'File downloads'), el('a', { href: '#/files', class: 'small' }, 'All files')),
    errorArea,
    el('div', { class: 'table-scroll' }, table.element),
  );
  return {
    element,
    async refresh() {
      try {
        table.show(await api.getDeviceTransfers(deviceId));
        replaceChildren(errorArea);
      } catch (error) {
        replaceChildren(errorArea, errorBox(error));
      }
    },
  };
}
