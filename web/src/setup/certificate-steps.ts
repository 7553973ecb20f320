// Steps 3 to 6 of the CWM setup: create the CA, issue the server and client certificates, and download
// the files for the CWM, each named for the order it goes into the OKE Simulator, with its size.
import type { ApiClient } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField } from '../form-field.js';
import { badge } from '../status-badge.js';
import type { CaStatus } from './setup-model.js';

/** Runs an action from a button: disables it meanwhile, shows a refusal next to it, then refreshes the page. */
export function actionButton(text: string, resultArea: HTMLElement, action: () => Promise<unknown>, after: () => Promise<void>): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'primary' }, text);
  button.addEventListener('click', () => {
    button.disabled = true;
    replaceChildren(resultArea);
    action()
      .then(after)
      .catch((error: unknown) => replaceChildren(resultArea, errorBox(error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return button;
}

export function renderCaStep(area: HTMLElement, status: CaStatus, api: ApiClient, refresh: () => Promise<void>): void {
  const result = el('div');
  if (status.root !== null) {
    replaceChildren(
      area,
      el('p', {}, 'Certificate authority ', el('strong', {}, status.root.name), ` (${status.root.algorithm}), valid until ${status.root.notAfter.slice(0, 10)}. Its root certificate is what the CWM trusts; keep it: a new CA means reconfiguring every CWM.`),
      el('p', { class: 'muted small mono' }, `SHA-256 ${status.root.sha256Fingerprint}`),
    );
    return;
  }
  const nameInput = el('input', { name: 'ca-name', maxlength: 64, placeholder: 'ACME kitchens', autocomplete: 'off' });
  replaceChildren(
    area,
    el('p', {}, 'A private signing authority for this server and its CWMs (the vendor recommends one: CWMs hold few root CAs and no bundles). RSA-2048, valid 25 years; the key stays in the data directory (mode 0600).'),
    el('div', { class: 'inline-actions' }, labeledField('Name (optional)', nameInput), actionButton('Create the CA', result, () => api.createCa(nameInput.value.trim()), refresh)),
    result,
  );
}

export function renderServerCertStep(area: HTMLElement, status: CaStatus, endpoint: string | null, api: ApiClient, refresh: () => Promise<void>): boolean {
  const result = el('div');
  const current = status.serverCertificate;
  const covers = current !== null && endpoint !== null && current.names.includes(endpoint.toLowerCase());
  const notes = [
    status.isUsingOperatorCertificate ? el('p', { class: 'alert alert-error' }, 'This server was started with --cert/--key and keeps serving that certificate: restart it without them to serve this one.') : null,
    !status.isServingTlsDirectly ? el('p', { class: 'muted' }, 'This server runs behind a TLS proxy (--http): point nginx at DATA/ca/server-cert.pem and server-key.pem (deploy/nginx/opentps.conf) and reload it.') : null,
  ];
  const facts = current === null ? el('p', { class: 'muted' }, 'No server certificate yet.') : el('p', {}, 'In use: ', el('span', { class: 'mono' }, current.names.join(', ')), ` (serial ${current.serial}, valid until ${current.notAfter.slice(0, 10)}). New connections use it at once.`);
  if (status.root === null) {
    replaceChildren(area, el('p', { class: 'muted' }, 'Create the CA first (step 3).'));
    return false;
  }
  const names = endpoint === null ? [] : [...new Set([endpoint, ...(current?.names ?? [])])];
  const button = endpoint === null
    ? el('p', { class: 'muted' }, 'Enter a valid endpoint value in step 2 first.')
    : covers ? null : actionButton(`Issue the server certificate for ${endpoint}`, result, () => api.issueServerCertificate(names), refresh);
  replaceChildren(area, facts, ...notes, button, result);
  return covers;
}

export function renderClientCertStep(area: HTMLElement, status: CaStatus, api: ApiClient, refresh: () => Promise<void>): boolean {
  const result = el('div');
  if (status.root === null) {
    replaceChildren(area, el('p', { class: 'muted' }, 'Create the CA first (step 3).'));
    return false;
  }
  const labelInput = el('input', { name: 'client-label', maxlength: 64, value: `cwm-${status.clientCertificates.length + 1}`, autocomplete: 'off' });
  const rows = status.clientCertificates.map((certificate) => {
    const revokeResult = el('span');
    const revoke = certificate.state === 'valid' ? el('button', { type: 'button' }, 'Revoke') : null;
    revoke?.addEventListener('click', () => {
      if (!window.confirm(`Revoke ${certificate.label} (${certificate.serial})? CWMs using it are refused from their next request.`)) return;
      api.revokeCertificate(certificate.serial).then(refresh, (error: unknown) => replaceChildren(revokeResult, errorBox(error)));
    });
    return el(
      'tr',
      {},
      el('td', {}, certificate.label),
      el('td', { class: 'mono small' }, certificate.serial),
      el('td', {}, certificate.notAfter.slice(0, 10)),
      el('td', {}, badge(certificate.state, certificate.state === 'valid' ? 'good' : 'bad')),
      el('td', {}, revoke, revokeResult),
    );
  });
  const table = rows.length === 0 ? null : el('table', { class: 'data-table compact' }, el('thead', {}, el('tr', {}, ...['Label', 'Serial', 'Valid until', 'State', ''].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows));
  replaceChildren(
    area,
    el('p', {}, 'The client provisioning certificate and key the CWM presents to /provision (mutual TLS). One can serve several CWMs; a label per site or per CWM lets you revoke one alone.'),
    el('div', { class: 'inline-actions' }, labeledField('Label', labelInput), actionButton('Issue a client certificate', result, () => api.issueClientCertificate(labelInput.value.trim()), refresh)),
    result,
    table,
  );
  return status.clientCertificates.some((certificate) => certificate.state === 'valid');
}

export async function renderExportStep(area: HTMLElement, status: CaStatus, api: ApiClient): Promise<boolean> {
  const hasClient = status.clientCertificates.some((certificate) => certificate.state === 'valid');
  if (status.root === null || !hasClient) {
    replaceChildren(area, el('p', { class: 'muted' }, 'Create the CA and a client certificate first (steps 3 and 5).'));
    return false;
  }
  try {
    const files = await api.listExportFiles();
    const rows = files.map((file) =>
      el(
        'tr',
        {},
        el('td', {}, el('a', { href: api.exportFileUrl(file.name), download: file.name, class: 'mono' }, file.name)),
        el('td', {}, file.slot, file.isSecret ? el('span', { class: 'muted' }, ' (secret: delete after use)') : null),
        el('td', { class: 'numeric' }, `${file.bytes} bytes`),
        el('td', {}, file.name.endsWith('.pem') ? badge(file.isUnderLimit ? 'under 4096' : 'TOO LARGE', file.isUnderLimit ? 'good' : 'bad') : null),
      ),
    );
    replaceChildren(
      area,
      el('p', {}, 'One PEM per file (the CWM takes no bundles), numbered in the order you enter them. README.txt repeats these steps.'),
      el('table', { class: 'data-table compact export-table' }, el('thead', {}, el('tr', {}, ...['File', 'Goes into', 'Size', 'Limit'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows)),
    );
    return files.every((file) => file.isUnderLimit);
  } catch (error) {
    replaceChildren(area, errorBox(error));
    return false;
  }
}
