// One CWM: telemetry charts, latest values, diagnostics, the send panel, message history and raw traffic.
import type { DeviceDetail } from '../api-model.js';
import { debounce } from '../debounce.js';
import { createDeviceSummary } from '../device/device-summary.js';
import { createDiagnosticsPanel } from '../device/diagnostics-panel.js';
import { createFileTransfersPanel } from '../device/file-transfers-panel.js';
import { createLatestValuesPanel } from '../device/latest-values-panel.js';
import { createDeviceTagsCard } from '../device/device-tags.js';
import { createMessageHistoryPanel } from '../device/message-history-panel.js';
import { createMessageSender } from '../device/message-sender.js';
import { createSendPanel } from '../device/send-panel.js';
import { createSitePlacement } from '../device/site-placement.js';
import { createTelemetryPanel } from '../device/telemetry-panel.js';
import { createTrafficInspector } from '../device/traffic-inspector.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { routeHash } from '../hash-router.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { startPeriodicRefresh, type PeriodicRefresh } from '../periodic-refresh.js';

/** Charts and lists of the "now" ranges are refreshed this often; live events fill in between. */
const REFRESH_INTERVAL_MS = 10_000;
const EVENT_COALESCE_MS = 300;

export function createDevicePage(context: PageContext, deviceId: string): Page {
  const { api, events } = context;
  const disposables = new Disposables();
  const errorArea = el('div');
  const summary = createDeviceSummary(deviceId);
  // A model the server does not have (404), or one that cannot be read now, leaves the values raw.
  const latestValues = createLatestValuesPanel(deviceId, (modelId) => api.models.get(modelId).then((stored) => stored.model, () => null));
  const diagnostics = createDiagnosticsPanel();
  const history = createMessageHistoryPanel(api, deviceId);
  const traffic = createTrafficInspector(api, deviceId);
  const fileTransfers = createFileTransfersPanel(api, deviceId);
  const sender = createMessageSender(api, deviceId, () => void history.refresh());
  const sendArea = el('div');
  const sitePlacement = createSitePlacement(api, deviceId);
  const deviceTags = createDeviceTagsCard(api, deviceId);
  let sendPanelKey: string | null = null;

  let chartsPoller: PeriodicRefresh | null = null;
  const telemetry = createTelemetryPanel(api, deviceId, () => chartsPoller?.runNow());
  disposables.add(telemetry.destroy);

  const showDetail = (detail: DeviceDetail): void => {
    summary.show(detail.device);
    sitePlacement.showSite(detail.device.siteId);
    latestValues.show(detail.states);
    diagnostics.show(detail.diagnostics);
    const okeIds = [...new Set([...detail.device.okeIds, ...detail.states.filter((state) => !state.isCwm).map((state) => state.deviceId)])].sort();
    // Rebuilt only when the OKEs change, so a refresh never wipes what the operator is typing.
    const key = okeIds.join('\u0000');
    if (key !== sendPanelKey) {
      sendPanelKey = key;
      replaceChildren(sendArea, createSendPanel({ cwmId: deviceId, okeIds, sender }));
    }
  };

  const refreshDetail = async (): Promise<void> => {
    try {
      showDetail(await api.getDevice(deviceId));
      replaceChildren(errorArea);
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };

  const refreshDetailAndTraffic = async (): Promise<void> => {
    await Promise.all([refreshDetail(), traffic.isLive() ? traffic.refresh() : Promise.resolve(), fileTransfers.refresh()]);
  };
  const poller = startPeriodicRefresh(refreshDetailAndTraffic, REFRESH_INTERVAL_MS);
  disposables.add(poller.stop);
  // Charts poll on their own, so a range change can reload them at once without refetching the rest.
  chartsPoller = startPeriodicRefresh(telemetry.refresh, REFRESH_INTERVAL_MS);
  disposables.add(chartsPoller.stop);

  const historyRefresh = debounce(() => void history.refresh(), EVENT_COALESCE_MS);
  const trafficRefresh = debounce(() => void (traffic.isLive() ? traffic.refresh() : Promise.resolve()), EVENT_COALESCE_MS);
  disposables.add(historyRefresh.cancel);
  disposables.add(trafficRefresh.cancel);
  disposables.add(
    events.on('message-state', (message) => {
      if (message.cwmId === deviceId) historyRefresh.trigger();
    }),
  );
  disposables.add(
    events.on('telemetry', (event) => {
      if (event.cwmId !== deviceId) return;
      latestValues.applyEvent(event);
      summary.markSeen(event.at);
    }),
  );
  disposables.add(
    events.on('device-seen', (event) => {
      if (event.deviceId !== deviceId) return;
      summary.markSeen(event.at);
      trafficRefresh.trigger();
    }),
  );
  // After a reconnect, events may have been missed; the history is the list that must not be stale.
  disposables.add(
    events.onConnectionChange((state) => {
      if (state === 'open') historyRefresh.trigger();
    }),
  );

  poller.runNow();
  chartsPoller.runNow();
  void history.refresh();

  const element = el(
    'main',
    { class: 'page' },
    el('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: routeHash({ name: 'devices' }) }, 'Devices'), ' / ', el('span', { class: 'mono' }, deviceId)),
    errorArea,
    summary.element,
    el('div', { class: 'two-columns' }, sitePlacement.element, deviceTags.element),
    el(
      'nav',
      { class: 'section-nav', 'aria-label': 'Sections of this device' },
      sectionLink('telemetry', 'Telemetry'),
      sectionLink('latest', 'Latest values'),
      sectionLink('send', 'Send'),
      sectionLink('messages', 'Messages'),
      sectionLink('traffic', 'Traffic'),
      sectionLink('files', 'Files'),
    ),
    telemetry.element,
    el('div', { class: 'two-columns', id: 'latest' }, latestValues.element, diagnostics.element),
    sendArea,
    history.element,
    traffic.element,
    fileTransfers.element,
  );
  return { element, dispose: () => disposables.disposeAll() };
}

/** In-page links scroll without touching the hash, which the router owns. */
function sectionLink(targetId: string, label: string): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'link-button' }, label);
  button.addEventListener('click', () => document.getElementById(targetId)?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
  return button;
}
