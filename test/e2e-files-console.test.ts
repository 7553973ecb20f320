// The Files page in a real Chromium against the real server: upload with progress, the file listed
// with size, MD5, SHA-256 and CRC-16, a device's signed ranged download appearing in the per-file
// transfers table (and on the device page), an over-limit upload refused visibly, and delete.
// Screenshots go to test-artifacts/. Skipped (with the reason) where Chromium is not installed.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CONSOLE_DIST_DIR } from '../src/main.js';
import { signRequest } from '../src/protocol/request-signature.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CHROMIUM = '/usr/bin/chromium';
const CWM = '0002f11e50000001';
const PASSWORD = 'files console password';
const ARTIFACT_DIR = join(import.meta.dirname, '..', 'test-artifacts');

/** A ranged GET from an unsigned client; its status. */
function fetchRange(baseUrl: string, ca: string | null, range: string): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    httpsRequest({ host: url.hostname, port: url.port, path: '/oven-fw-1.2.bin', headers: { range }, ca: ca ?? undefined, servername: 'localhost' }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

test('the Files page: upload, listed with digests, a complete and a stalled download show in the transfers, too-large refused, delete', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async () => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const dir = createTempDataDir();
  const content = randomBytes(200_000);
  const upload = join(dir.path, 'oven-fw-1.2.bin');
  writeFileSync(upload, content);
  const tooBig = join(dir.path, 'too-big.bin');
  writeFileSync(tooBig, randomBytes(600_000));
  const server = await startServerProcess(dir.path, ['--max-file-bytes', '500000', '--transfer-stall-after', '1'], { OPENTPS_ADMIN_PASSWORD: PASSWORD });
  const device = createDeviceHttpClient(server.url, server.ca);
  let browser: Browser | null = null;
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--name', 'Oven 3', '--data', dir.path])).stdout.trim();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 1000 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => void dialog.accept());
    const base = server.url.replace('127.0.0.1', 'localhost');
    await page.goto(`${base}/`);
    await page.getByLabel('Name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();

    // Upload through the form; the file is listed with its size and digests.
    await page.getByRole('link', { name: 'Files' }).click();
    await page.getByText('No files yet').waitFor();
    await page.getByLabel('File', { exact: true }).setInputFiles(upload);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('status').filter({ hasText: 'Uploaded oven-fw-1.2.bin' }).waitFor();
    const md5 = createHash('md5').update(content).digest('hex');
    const table = page.locator('.files-table');
    await table.getByText(md5).waitFor();
    assert.ok(((await table.textContent()) ?? '').includes(createHash('sha256').update(content).digest('hex')));
    assert.match((await table.textContent()) ?? '', /195\.3 KiB/);

    // Too large: refused with the error code shown, nothing listed.
    await page.getByLabel('File', { exact: true }).setInputFiles(tooBig);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('alert').filter({ hasText: 'ERR_FILE_TOO_LARGE' }).waitFor();

    // The device downloads the file, signed: complete. An anonymous client fetches half and stops: stalled
    // once --transfer-stall-after (1 s here) has passed.
    const req = JSON.stringify({ devid: CWM, file: 'oven-fw-1.2.bin', ts: '2026-11-25T01:00:00' });
    const path = `/files/oven-fw-1.2.bin?sha256hmac=${signRequest(req, key)}&req=${encodeURIComponent(req)}`;
    const half = await device.send('GET', path);
    assert.equal(half.status, 200);
    const anonymous = await fetchRange(server.url, server.ca, 'bytes=0-99999');
    assert.equal(anonymous, 206);
    await page.getByRole('link', { name: 'oven-fw-1.2.bin' }).click();
    const transfers = page.locator('.transfers-table');
    await transfers.getByText(CWM).waitFor({ timeout: 15_000 });
    await transfers.getByText('complete', { exact: true }).waitFor();
    assert.match((await transfers.textContent()) ?? '', /100%/);
    await transfers.getByText('stalled', { exact: true }).waitFor({ timeout: 15_000 });
    assert.match((await transfers.textContent()) ?? '', /50%/);
    await page.screenshot({ path: join(ARTIFACT_DIR, 'files.png'), fullPage: true });

    // The device page lists the same download.
    await page.goto(`${base}/console/#/devices/${CWM}`);
    await page.locator('#files .transfers-table').getByText('oven-fw-1.2.bin').waitFor({ timeout: 15_000 });

    // Delete from the list.
    await page.goto(`${base}/console/#/files`);
    await page.getByRole('button', { name: 'Delete oven-fw-1.2.bin' }).click();
    await page.getByText('No files yet').waitFor();
    assert.equal((await device.send('GET', '/files/oven-fw-1.2.bin')).status, 404);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    device.close();
    await server.stop();
    dir.remove();
  }
});
