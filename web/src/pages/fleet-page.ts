// The fleet overview: device counts, pushes per minute over the last hour, and devices with problems.
import type { FleetProblem, FleetSummary } from '../api-model.js';
import { createPushesChart } from '../charts/pushes-chart.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { deviceHref } from '../hash-router.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { startPeriodicRefresh } from '../periodic-refresh.js';
import { badge, type BadgeTone } from '../status-badge.js';
import { alertSlot, fillAlertBadges } from '../alerts/row-alert-badges.js';

const REFRESH_INTERVAL_MS = 10_000;

const PROBLEM_LABELS: Readonly<Record<string, { readonly label: string; readonly tone: BadgeTone }>> = {
  offline: { label: 'offline', tone: 'bad' },
  'crc-failures': { label: 'CRC failures', tone: 'warn' },
  'queue-backlog': { label: 'queue backlog', tone: 'warn' },
  'messages-expired': { label: 'messages expired', tone: 'bad' },
};

export function createFleetPage(context: PageContext): Page {
  const disposables = new Disposables();
  const countsArea = el('div', { class: 'stat-grid', 'aria-live': 'polite' });
  const problemsArea = el('div');
  const errorArea = el('div');
  const updatedAt = el('span', { class: 'muted' });
  const chart = createPushesChart();
  disposables.add(chart.destroy);

  const element = el(
    'main',
    { class: 'page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'Fleet'), updatedAt),
    errorArea,
    countsArea,
    el('section', { class: 'card' }, el('h2', {}, 'Pushes per minute, last hour'), chart.element),
    el('section', { class: 'card' }, el('h2', {}, 'Devices with problems'), problemsArea),
  );

  const refresh = async (): Promise<void> => {
    try {
      const fleet = await context.api.getFleet();
      replaceChildren(errorArea);
      renderCounts(countsArea, fleet);
      chart.show(fleet.pushesPerMinute);
      replaceChildren(problemsArea, renderProblems(fleet.problems, fleet.problemTotals));
      void fillAlertBadges(context.api, problemsArea);
      updatedAt.textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}`;
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };
  const poller = startPeriodicRefresh(refresh, REFRESH_INTERVAL_MS);
  disposables.add(poller.stop);
  void refresh();

  return { element, dispose: () => disposables.disposeAll() };
}

function renderCounts(area: HTMLElement, fleet: FleetSummary): void {
  const { counts } = fleet;
  replaceChildren(
    area,
    statCard('Devices', counts.total, 'neutral'),
    statCard('Online', counts.online, 'good'),
    statCard('Offline', counts.offline, counts.offline > 0 ? 'bad' : 'neutral'),
    statCard('Never seen', counts.neverSeen, 'neutral'),
  );
}

function statCard(label: string, value: number, tone: BadgeTone): HTMLElement {
  return el('div', { class: `stat stat-${tone}` }, el('div', { class: 'stat-value' }, value), el('div', { class: 'stat-label' }, label));
}

/** The server lists the worst few devices of each kind; the rest are counted after the kind's last row. */
function renderProblems(problems: readonly FleetProblem[], totals: Readonly<Record<string, number>>): HTMLElement {
  if (problems.length === 0) return el('p', { class: 'muted' }, 'No problems. Every device is reporting as expected.');
  const body = el('tbody');
  problems.forEach((problem, index) => {
    const known = PROBLEM_LABELS[problem.kind];
    const label = known?.label ?? problem.kind;
    body.appendChild(
      el(
        'tr',
        {},
        el('td', {}, el('a', { href: deviceHref(problem.deviceId), class: 'mono' }, problem.deviceId), alertSlot(problem.deviceId)),
        el('td', {}, badge(label, known?.tone ?? 'warn')),
        el('td', {}, problem.detail),
      ),
    );
    if (problems[index + 1]?.kind === problem.kind) return;
    const more = (totals[problem.kind] ?? 0) - problems.filter((listed) => listed.kind === problem.kind).length;
    if (more > 0) body.appendChild(el('tr', {}, el('td', { colspan: 3, class: 'muted' }, `${more.toLocaleString('en')} more ${label}`)));
  });
  return el(
    'table',
    { class: 'data-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Device'), el('th', { scope: 'col' }, 'Problem'), el('th', { scope: 'col' }, 'Detail'))),
    body,
  );
}
