// The file store: upload, the list with size and digests (MD5, SHA-256, CRC-16), delete, and the
// download progress of the selected file per device.
import type { ApiClient } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { formatBytes, type StoredFile } from '../files/file-model.js';
import { createTransfersTable } from '../files/transfers-table.js';
import { createUploadForm } from '../files/upload-form.js';
import { routeHash } from '../hash-router.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';
import { formatTimestamp } from '../time-format.js';

const REFRESH_INTERVAL_MS = 5_000;

export function createFilesPage(context: PageContext, selectedName: string | null): Page {
  const { api } = context;
  const disposables = new Disposables();
  const listBody = el('tbody');
  const listErrorArea = el('div');
  const limitText = el('span', { class: 'muted small' });
  const transfersTitle = el('h2', { id: 'transfers-title' }, 'Downloads');
  const transfersErrorArea = el('div');
  const transfers = createTransfersTable('device');
  const transfersCard = el(
    'section',
    { class: 'card', id: 'transfers', 'aria-labelledby': 'transfers-title', hidden: selectedName === null },
    el('div', { class: 'card-header' }, transfersTitle, el('span', { class: 'muted small' }, 'per device; stalled = incomplete with no progress for the configured time')),
    transfersErrorArea,
    el('div', { class: 'table-scroll' }, transfers.element),
  );

  const renderRow = (file: StoredFile): HTMLTableRowElement => {
    const deleteButton = el('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${file.name}` }, 'Delete');
    deleteButton.addEventListener('click', () => void remove(api, file, deleteButton));
    const isSelected = file.name === selectedName;
    return el(
      'tr',
      { class: isSelected ? 'selected' : undefined },
      el('td', {}, el('a', { href: `#/files/${encodeURIComponent(file.name)}`, class: 'mono', 'aria-current': isSelected ? 'true' : undefined }, file.name)),
      el('td', { class: 'numeric', title: `${file.size} bytes` }, formatBytes(file.size)),
      el('td', { class: 'mono small' }, file.md5),
      el('td', { class: 'mono small' }, file.crc16),
      el('td', { class: 'mono small digest', title: file.sha256 }, file.sha256),
      el('td', { class: 'nowrap' }, formatTimestamp(file.createdAt), el('div', { class: 'muted small' }, `by ${file.uploadedBy}`)),
      el('td', {}, el('a', { href: file.url, class: 'small', download: file.name }, 'Download'), ' ', deleteButton),
    );
  };

  const refreshList = async (): Promise<void> => {
    try {
      const list = await api.listFiles();
      limitText.textContent = `largest upload ${formatBytes(list.maxFileBytes)}`;
      replaceChildren(listBody, ...list.items.map(renderRow));
      if (list.items.length === 0) listBody.appendChild(el('tr', {}, el('td', { colspan: 7, class: 'muted empty-row' }, 'No files yet: upload one below.')));
      replaceChildren(listErrorArea);
    } catch (error) {
      replaceChildren(listErrorArea, errorBox(error));
    }
  };

  const refreshTransfers = async (): Promise<void> => {
    if (selectedName === null) return;
    try {
      transfers.show(await api.getFileTransfers(selectedName));
      replaceChildren(transfersErrorArea);
    } catch (error) {
      replaceChildren(transfersErrorArea, errorBox(error));
    }
  };
  if (selectedName !== null) transfersTitle.textContent = `Downloads of ${selectedName}`;

  const remove = async (client: ApiClient, file: StoredFile, button: HTMLButtonElement): Promise<void> => {
    if (!window.confirm(`Delete ${file.name}? Devices will no longer be able to download it.`)) return;
    button.disabled = true;
    try {
      await client.deleteFile(file.name);
      if (file.name === selectedName) window.location.hash = routeHash({ name: 'files', fileName: null });
    } catch (error) {
      replaceChildren(listErrorArea, errorBox(error));
    }
    await refreshList();
  };

  const poller = startPeriodicRefresh(async () => {
    await Promise.all([refreshList(), refreshTransfers()]);
  }, REFRESH_INTERVAL_MS);
  disposables.add(poller.stop);
  poller.runNow();

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Files'), limitText),
    el(
      'section',
      { class: 'card', 'aria-labelledby': 'files-title' },
      el('div', { class: 'card-header' }, el('h2', { id: 'files-title' }, 'Stored files'), el('span', { class: 'muted small' }, 'devices download them at /files/<name> (and /<name>), with Range and ETag')),
      listErrorArea,
      el(
        'div',
        { class: 'table-scroll' },
        el(
          'table',
          { class: 'data-table files-table' },
          el('thead', {}, el('tr', {}, ...['Name', 'Size', 'MD5', 'CRC-16', 'SHA-256', 'Added', ''].map((label) => el('th', { scope: 'col', class: label === 'Size' ? 'numeric' : undefined }, label === '' ? el('span', { class: 'visually-hidden' }, 'Actions') : label)))),
          listBody,
        ),
      ),
    ),
    transfersCard,
    createUploadForm(api, () => void refreshList()),
  );
  return { element, dispose: () => disposables.disposeAll() };
}
