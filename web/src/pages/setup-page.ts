// The guided bring-up of a real CWM (docs/cwm-setup.md): the endpoint value, the CA and certificates,
// the files for the OKE Simulator, the browser check, a live panel of the first requests, and the Port command.
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { Disposables, type Page, type PageContext } from '../page.js';
import { renderCaStep, renderClientCertStep, renderExportStep, renderServerCertStep } from '../setup/certificate-steps.js';
import { createEndpointChecker } from '../setup/endpoint-checker.js';
import { createPortCommandHelper } from '../setup/port-command-helper.js';
import { createSetupStep } from '../setup/setup-step.js';
import type { CaStatus } from '../setup/setup-model.js';
import { createWaitingPanel } from '../setup/waiting-panel.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function createSetupPage(context: PageContext): Page {
  const { api } = context;
  const disposables = new Disposables();
  const errorArea = el('div');
  let status: CaStatus | null = null;

  const caArea = el('div');
  const serverArea = el('div');
  const clientArea = el('div');
  const exportArea = el('div');
  const simulatorArea = el('div');
  const browserArea = el('div');

  const before = createSetupStep(
    1, 'Before you start', 'setup-before',
    el(
      'ul', {},
      el('li', {}, 'The CWM2 firmware must be ', el('strong', {}, 'version 130 or later'), '; earlier firmware does not work with custom endpoints. Only ConnectWare2 modules support them.'),
      el('li', {}, 'Use the latest OKE Simulator from the Connectware repository (custom endpoints enabled by default), connected to the CWM over USB or serial.'),
      el('li', {}, 'With custom endpoints the CWM no longer uses a SAP: it needs its own WiFi network (simulator command ', el('kbd', {}, '3'), ') or an Ethernet cable.'),
      el('li', {}, 'The CWM always calls HTTPS on ', el('strong', {}, 'port 443'), '. This console is on port ', el('span', { class: 'mono' }, window.location.port || '443'), window.location.port !== '' && window.location.port !== '443' ? ': forward 443 to it, or put nginx in front (deploy/nginx/).' : '.'),
    ),
  );
  before.setState('info');

  const endpointStep = createSetupStep(2, 'The endpoint value', 'setup-endpoint');
  const caStep = createSetupStep(3, 'Certificate authority', 'setup-ca', caArea);
  const serverStep = createSetupStep(4, 'Server certificate', 'setup-server-cert', serverArea);
  const clientStep = createSetupStep(5, 'Client provisioning certificate', 'setup-client-cert', clientArea);
  const exportStep = createSetupStep(6, 'Files for the CWM', 'setup-files', exportArea);
  const simulatorStep = createSetupStep(7, 'Enter everything with the OKE Simulator', 'setup-simulator', simulatorArea);
  simulatorStep.setState('info');
  const browserStep = createSetupStep(8, 'Check from a browser', 'setup-browser', browserArea);
  browserStep.setState('info');

  const portHelper = createPortCommandHelper(api);
  const waitingStep = createSetupStep(9, 'Waiting for the first request from your CWM', 'setup-waiting');
  waitingStep.setState('waiting');
  const waiting = createWaitingPanel(api, (entries) => {
    // Done once a device got a real answer; refusals alone keep the step open (their reasons are listed).
    waitingStep.setState(entries.some((entry) => entry.status !== null && entry.status < 300) ? 'done' : 'todo');
    const cwmId = entries.find((entry) => entry.claimedDeviceId !== null)?.claimedDeviceId;
    if (cwmId !== undefined && cwmId !== null) portHelper.suggestCwmId(cwmId);
  });
  disposables.add(waiting.dispose);
  waitingStep.element.appendChild(waiting.element);
  const portStep = createSetupStep(
    10, 'If the OKE uses another port: the Port command', 'setup-port',
    el('p', {}, 'The CWM keeps the port of the cable used with the simulator (USB saves "usb", a custom RS-232 cable "232"). If the equipment is wired differently, queue this command to the CWM after it first connects. Valid ports: usb, ttl, 232, 485.'),
    portHelper.element,
  );
  portStep.setState('info');

  const endpoint = createEndpointChecker(() => renderEndpointDependents());
  endpointStep.element.appendChild(endpoint.element);

  function renderEndpointDependents(): void {
    const value = endpoint.validValue();
    endpointStep.setState(value !== null ? 'done' : 'todo');
    const shown = value ?? '<endpoint value>';
    replaceChildren(
      simulatorArea,
      el(
        'ol', { class: 'simulator-steps' },
        el('li', {}, 'Commands ', el('kbd', {}, 'p'), ' (provision), ', el('kbd', {}, '>'), ' (push) and ', el('kbd', {}, '<'), ' (pull): enter ', el('strong', { class: 'mono endpoint-echo' }, shown), ' in all three.'),
        el('li', {}, 'The server root CA: ', el('span', { class: 'mono' }, '1-server-root-ca.pem'), '; the client provisioning certificate: ', el('span', { class: 'mono' }, '2-client-provisioning-cert.pem'), '; its key: ', el('span', { class: 'mono' }, '3-client-provisioning-key.pem'), '; the root CA for that certificate: ', el('span', { class: 'mono' }, '4-client-root-ca.pem'), '. Each on its own, in this order.'),
        el('li', {}, 'Command ', el('kbd', {}, 'c'), ' lists the endpoint settings one at a time: the CWM calls the server only once all three endpoints are set.'),
        el('li', {}, 'WiFi: command ', el('kbd', {}, '3'), ' with your network; or plug in Ethernet.'),
      ),
      el('p', { class: 'muted small' }, 'The vendor documents the simulator letters for the endpoints (p, >, <), the check (c) and WiFi (3), but not those of the certificate settings: use the same custom-endpoint menu.'),
    );
    const pullUrl = value === null ? null : `https://${value.includes(':') ? `[${value}]` : value}/pull`;
    replaceChildren(
      browserArea,
      el('p', {}, 'Open ', pullUrl === null ? el('span', { class: 'mono' }, 'https://<endpoint value>/pull') : el('a', { href: pullUrl, target: '_blank', rel: 'noopener', class: 'mono' }, pullUrl), ' from a computer on the CWM\'s network. It must answer ', el('code', {}, '{"pull":false}'), '. A certificate warning there is expected unless that computer trusts 1-server-root-ca.pem; the CWM trusts it because you entered it.'),
      el('p', { class: 'muted' }, 'This server itself: ', el('a', { href: '/pull', target: '_blank', rel: 'noopener', class: 'mono' }, `${window.location.origin}/pull`), value !== null && LOOPBACK.has(value) ? ` - note that ${value} only reaches this machine, never a CWM.` : ''),
    );
    if (status !== null) renderServerStep(status);
  }

  function renderServerStep(current: CaStatus): void {
    serverStep.setState(renderServerCertStep(serverArea, current, endpoint.validValue(), api, refresh) ? 'done' : 'todo');
  }

  async function refresh(): Promise<void> {
    try {
      const current = await api.getCaStatus();
      status = current;
      replaceChildren(errorArea);
      renderCaStep(caArea, current, api, refresh);
      caStep.setState(current.root !== null ? 'done' : 'todo');
      if (endpoint.validValue() === null && current.serverCertificate !== null) endpoint.setValue(current.serverCertificate.names[0] ?? '');
      renderServerStep(current);
      clientStep.setState(renderClientCertStep(clientArea, current, api, refresh) ? 'done' : 'todo');
      exportStep.setState((await renderExportStep(exportArea, current, api)) ? 'done' : 'todo');
      modeNote.textContent = `Client certificates required: ${current.clientAuthMode === 'none' ? 'nowhere (no CA yet, or --client-auth none)' : current.clientAuthMode === 'provision' ? 'on /provision' : 'on every device path'}.`;
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  }

  const modeNote = el('span', { class: 'muted' });
  const hostname = window.location.hostname;
  endpoint.setValue(LOOPBACK.has(hostname) ? '' : hostname);
  void refresh();

  const element = el(
    'main',
    { class: 'page setup-page' },
    el('div', { class: 'page-header' }, el('h1', {}, 'CWM setup'), modeNote),
    el('p', { class: 'lead' }, 'Everything a ConnectWare module needs to talk to this server, in order. Steps turn "done" as you go.'),
    errorArea,
    before.element, endpointStep.element, caStep.element, serverStep.element, clientStep.element, exportStep.element,
    simulatorStep.element, browserStep.element, waitingStep.element, portStep.element,
  );
  return { element, dispose: () => disposables.disposeAll() };
}
