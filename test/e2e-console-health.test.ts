// The console's health banner in a real Chromium, against a real server whose data directory is on a
// 64 MB tmpfs: "Low disk space" once free space falls below --min-free-disk-mb, "Not storing" with the
// reason once the disk is full, and no banner once space is back. Screenshots go to test-artifacts/.
// Skipped (with the reason) where Chromium is missing or a tmpfs cannot be mounted.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CONSOLE_DIST_DIR } from '../src/main.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess, type ServerProcess } from './support/server-process.js';
import { mountSmallFilesystem } from './support/small-filesystem.js';

const CHROMIUM = '/usr/bin/chromium';
const CWM = '0002000000bada55';
const PASSWORD = 'console health test password';
const ARTIFACT_DIR = join(import.meta.dirname, '..', 'test-artifacts');
const MIB = 1024 * 1024;
/** The banner refreshes every 10 s; a reload shows the state at once. */
const BANNER_TIMEOUT_MS = 15_000;
const PADDING = 'x'.repeat(8000);

test('the console shows "Low disk space" below --min-free-disk-mb, "Not storing: disk full" when writes fail, and nothing once space is back', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async (t) => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  const filesystem = await mountSmallFilesystem(64);
  if ('skipReason' in filesystem) return t.skip(filesystem.skipReason);
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const dataDir = join(filesystem.path, 'data');
  let server: ServerProcess | null = null;
  let browser: Browser | null = null;
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--data', dataDir])).stdout.trim();
    server = await startServerProcess(dataDir, ['--http', '--device-requests-per-minute', '0', '--min-free-disk-mb', '16'], { OPENTPS_ADMIN_PASSWORD: PASSWORD });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const base = server.url.replace('127.0.0.1', 'localhost');
    await page.goto(`${base}/`);
    await page.getByLabel('Name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    const banner = page.locator('.health-banner');
    await page.locator('.health-banner[data-status="ok"]').waitFor({ state: 'attached' });
    assert.equal(await banner.locator('.alert').count(), 0, 'no banner while all is well');

    filesystem.fillLeaving(8 * MIB);
    await server.waitForLogLine(/free disk space low/, BANNER_TIMEOUT_MS);
    await page.reload();
    await banner.getByText('Low disk space.').waitFor({ timeout: BANNER_TIMEOUT_MS });
    assert.match((await banner.textContent()) ?? '', /MiB free under .*\/data \(data directory\), below 16\.0 MiB \(--min-free-disk-mb\)/);

    // Push until the store refuses: the banner says the node is not storing, and why.
    const device = createDeviceHttpClient(server.url, null);
    try {
      let refused = 0;
      for (let id = 1; id <= 5000 && refused < 20; id++) {
        const response = await device.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id, payload: { _hbt: { pad: PADDING } } })), key));
        if (response.status === 503) refused++;
      }
      assert.equal(refused, 20, 'the disk filled up');
    } finally {
      device.close();
    }
    await page.reload();
    await banner.getByText('Not storing.').waitFor({ timeout: BANNER_TIMEOUT_MS });
    assert.match((await banner.textContent()) ?? '', /Store writes are failing: disk full since .*Devices are refused with 503 ERR_STORE_UNAVAILABLE/);
    await page.screenshot({ path: join(ARTIFACT_DIR, 'health-banner.png') });

    filesystem.removeFiller();
    await page.reload();
    await page.locator('.health-banner[data-status="ok"]').waitFor({ state: 'attached', timeout: BANNER_TIMEOUT_MS });
    assert.equal(await banner.locator('.alert').count(), 0, 'no banner once space is back');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser?.close();
    await server?.stop('SIGKILL');
    await filesystem.unmount();
  }
});
