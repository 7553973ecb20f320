// The CWM setup page in a real Chromium against the real server (issue 6): a fresh server, an operator who
// follows only the page: fixes a decorated endpoint value, creates the CA, the server and client
// certificates, downloads the PEMs (each parses and is under 4096 bytes), and a CWM using those downloaded
// files reaches /provision over mutual TLS and shows up in the waiting panel, next to a refused one; then the
// Port command is queued. Screenshot in test-artifacts/setup.png. Skipped where Chromium is not installed.

import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CONSOLE_DIST_DIR } from '../src/main.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';
import { requestOverTls } from './support/tls-client.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'setup page test password';
const CWM = '0002010203040506';
const ARTIFACT_DIR = join(import.meta.dirname, '..', 'test-artifacts');

async function download(page: Page, fileName: string, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: fileName }).click()]);
  assert.equal(file.suggestedFilename(), fileName);
  const path = join(dir, fileName);
  await file.saveAs(path);
  return path;
}

test('the setup page takes an operator from a fresh server to the files a CWM needs, and shows the CWM\'s first requests', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async () => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const dir = createTempDataDir();
  const downloads = createTempDataDir('opentps-downloads-');
  const server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: PASSWORD });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1280, height: 900 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const base = server.url.replace('127.0.0.1', 'localhost');

    await page.goto(`${base}/`);
    await page.getByLabel('Name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'CWM setup' }).click();
    await page.getByRole('heading', { name: 'CWM setup' }).waitFor();
    await page.getByText('Waiting for the first request from your CWM…').waitFor();

    // Step 2: the seed's typical mistake is refused with the reason, and the offered fix applies the bare host.
    const endpoint = page.getByLabel('Endpoint value', { exact: true });
    await endpoint.fill('https://127.0.0.1:8443/pull');
    await page.locator('#setup-endpoint').getByText('remove "https://"').waitFor();
    await page.getByRole('button', { name: 'Use 127.0.0.1' }).click();
    await page.locator('#setup-endpoint').getByText('Valid: enter').waitFor();
    assert.equal(await page.locator('#setup-endpoint [data-step-state]').getAttribute('data-step-state'), 'done');

    // Steps 3-5: the CA, the server certificate for that value, a client certificate.
    await page.getByLabel('Name (optional)').fill('ACME kitchens');
    await page.getByRole('button', { name: 'Create the CA' }).click();
    await page.locator('#setup-ca').getByText('ACME kitchens').waitFor();
    await page.getByRole('button', { name: 'Issue the server certificate for 127.0.0.1' }).click();
    await page.locator('#setup-server-cert [data-step-state="done"]').waitFor();
    await page.getByRole('button', { name: 'Issue a client certificate' }).click();
    await page.locator('#setup-client-cert [data-step-state="done"]').waitFor();

    // Step 6: every file, with its size under the CWM's limit; download the PEMs a CWM needs.
    await page.locator('#setup-files [data-step-state="done"]').waitFor();
    const root = readFileSync(await download(page, '1-server-root-ca.pem', downloads.path), 'utf8');
    const certPath = await download(page, '2-client-provisioning-cert.pem', downloads.path);
    const keyPath = await download(page, '3-client-provisioning-key.pem', downloads.path);
    for (const path of [certPath, keyPath]) assert.ok(statSync(path).size < 4096, path);
    const cert = readFileSync(certPath, 'utf8');
    const key = readFileSync(keyPath, 'utf8');
    assert.ok(new X509Certificate(cert).verify(new X509Certificate(root).publicKey));
    assert.ok(new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)));
    assert.match(await page.locator('#setup-simulator').textContent() ?? '', /enter 127\.0\.0\.1 in all three/);

    // A CWM with the downloaded files: the server switched to our CA's certificate without a restart.
    const provisionPath = `/provision?req=${encodeURIComponent(JSON.stringify({ devid: CWM }))}`;
    let provisioned = await requestOverTls(server.url, provisionPath, { ca: root, cert, key }).catch((error: unknown) => error);
    for (let attempt = 0; attempt < 50 && !(typeof provisioned === 'object' && provisioned !== null && 'status' in provisioned); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      provisioned = await requestOverTls(server.url, provisionPath, { ca: root, cert, key }).catch((error: unknown) => error);
    }
    assert.ok(typeof provisioned === 'object' && provisioned !== null && 'status' in provisioned && provisioned.status === 200, String(provisioned));
    const refused = await requestOverTls(server.url, provisionPath, { ca: root });
    assert.equal(refused.status, 403);

    // Step 9: both arrive in the waiting panel, the refusal with its reason.
    const panel = page.locator('#setup-waiting');
    await panel.getByText('no client certificate was presented').waitFor({ timeout: 10_000 });
    assert.ok(((await panel.locator('.arrival-refused').first().textContent()) ?? '').includes(CWM), 'the refused request names the CWM it claimed');
    await panel.getByText('CN=cwm-1').first().waitFor();
    await panel.getByText('answered').first().waitFor();
    await page.locator('#setup-waiting [data-step-state="done"]').waitFor();

    // Step 10: the Port command for a registered CWM, prefilled with the id the CWM sent.
    assert.equal((await runCliProcess(['device', 'add', CWM, '--data', dir.path])).code, 0);
    const portForm = page.getByRole('form', { name: 'Port command' });
    assert.equal(await portForm.getByLabel('CWM id').inputValue(), CWM);
    await portForm.getByLabel('OKE port').selectOption('485');
    await portForm.getByLabel('Baud').selectOption('9600');
    await portForm.getByRole('button', { name: 'Queue the Port command' }).click();
    await page.locator('#setup-port').getByText(/Queued as message/).waitFor();
    const messages = await runCliProcess(['messages', CWM, '--json', '--data', dir.path]);
    assert.match(messages.stdout, /"oke":\{"port":"485","baud":9600\}/);

    await page.screenshot({ path: join(ARTIFACT_DIR, 'setup.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    await server.stop();
    dir.remove();
    downloads.remove();
  }
});
