// Alerts (issue 16): firing, pending and past (resolved) alerts in tabs, each open one with Acknowledge (a note)
// and Silence; the silences in force below. Refreshed on an interval.
import { debounce } from '../debounce.js';
import { openActionDialog } from '../alerts/alert-dialog.js';
import { createAlertTable } from '../alerts/alert-table.js';
import { alertsSectionNav } from '../alerts/alerts-nav.js';
import { createSilencePanel, openSilenceDialog } from '../alerts/silence-panel.js';
import type { AlertState } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField } from '../form-field.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';

const PAGE_SIZE = 50;
const REFRESH_MS = 15_000;

type Tab = 'firing' | 'pending' | 'history';
const TABS: ReadonlyArray<{ readonly tab: Tab; readonly label: string; readonly states: readonly AlertState[]; readonly emptyText: string }> = [
  { tab: 'firing', label: 'Firing', states: ['firing'], emptyText: 'Nothing is firing.' },
  { tab: 'pending', label: 'Pending', states: ['pending'], emptyText: 'Nothing is pending.' },
  { tab: 'history', label: 'History', states: ['resolved'], emptyText: 'No resolved alerts.' },
];

export function createAlertsPage(context: PageContext): Page {
  const { api } = context;
  const disposables = new Disposables();
  let current = TABS[0] ?? { tab: 'firing', label: 'Firing', states: ['firing'], emptyText: '' };
  let offset = 0;
  let requestNumber = 0;
  const errorArea = el('div');
  const summary = el('span', { class: 'muted', 'aria-live': 'polite' });
  const previousButton = el('button', { type: 'button' }, 'Previous');
  const nextButton = el('button', { type: 'button' }, 'Next');
  const silences = createSilencePanel(api);

  const load = async (): Promise<void> => {
    requestNumber += 1;
    const thisRequest = requestNumber;
    try {
      const page = await api.alerts.listAlerts({ states: current.states, deviceId: null, limit: PAGE_SIZE, offset });
      if (thisRequest !== requestNumber) return;
      replaceChildren(errorArea);
      table.show(page.items, current.emptyText);
      summary.textContent = `${page.total === 0 ? 0 : offset + 1}–${offset + page.items.length} of ${page.total}`;
      previousButton.disabled = offset === 0;
      nextButton.disabled = offset + page.items.length >= page.total;
    } catch (error) {
      if (thisRequest === requestNumber) replaceChildren(errorArea, errorBox(error));
    }
  };
  const reloadAll = (): void => {
    void load();
    void silences.reload();
  };

  const table = createAlertTable({
    onAcknowledge: (alert) => {
      const note = el('textarea', { name: 'note', rows: 3, maxlength: 1000, placeholder: 'What was done (optional)' });
      openActionDialog({
        title: `Acknowledge: ${alert.ruleName} on ${alert.subjectId}`,
        fields: [labeledField('Note', note)],
        submitLabel: 'Acknowledge',
        submit: async () => {
          await api.alerts.acknowledge(alert.id, note.value);
          void load();
        },
      });
    },
    onSilence: (alert) => openSilenceDialog(api, alert, reloadAll),
  });

  const tabButtons = TABS.map((entry) => {
    const button = el('button', { type: 'button', role: 'tab', class: 'tab-button', 'aria-selected': entry.tab === current.tab ? 'true' : 'false' }, entry.label);
    button.addEventListener('click', () => {
      current = entry;
      offset = 0;
      for (const other of tabButtons) other.setAttribute('aria-selected', other === button ? 'true' : 'false');
      void load();
    });
    return button;
  });
  previousButton.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    void load();
  });
  nextButton.addEventListener('click', () => {
    offset += PAGE_SIZE;
    void load();
  });
  const refresh = startPeriodicRefresh(async () => {
    await Promise.all([load(), silences.reload()]);
  }, REFRESH_MS);
  disposables.add(refresh.stop);
  // Alert changes from any node arrive as live events: the list follows them at once (a burst: one reload).
  const reloadOnChange = debounce(() => void load(), 300);
  disposables.add(reloadOnChange.cancel);
  disposables.add(context.events.on('alert', () => reloadOnChange.trigger()));
  refresh.runNow();

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Alerts')),
    alertsSectionNav('alerts'),
    el(
      'section',
      { class: 'card' },
      el('div', { class: 'toolbar' }, el('div', { role: 'tablist', 'aria-label': 'Alert states', class: 'tabs' }, ...tabButtons), el('div', { class: 'toolbar-spacer' }), summary, previousButton, nextButton),
      errorArea,
      el('div', { class: 'table-scroll' }, table.element),
    ),
    silences.element,
  );
  return { element, dispose: () => disposables.disposeAll() };
}
