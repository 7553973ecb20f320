// The console in a real Chromium against the real server (issue 4's browser tests): login refused then
// accepted, a virtual-fleet CWM appearing, its chart getting points, a ping sent from the device page going
// queued -> delivered -> answered, an invalid raw JSON refused with a visible message, and logout.
// Screenshots of the fleet and device pages go to test-artifacts/. Skipped (with the reason) where Chromium
// is not installed; .ci/run installs it.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CONSOLE_DIST_DIR } from '../src/main.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';
import { createFleetHarness } from './support/fleet-harness.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CHROMIUM = '/usr/bin/chromium';
const CWM = '0002c0ffee000001';
const OKE = '0363c0ffee000001';
const PASSWORD = 'console test password';
const ARTIFACT_DIR = join(import.meta.dirname, '..', 'test-artifacts');

async function messageStates(page: Page): Promise<string> {
  return (await page.locator('.messages-table').textContent()) ?? '';
}

test('the console: login, a fleet CWM appears with a charted field, a ping goes queued -> delivered -> answered, bad JSON is refused, logout', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async () => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: PASSWORD });
  const device = createDeviceHttpClient(server.url, server.ca);
  const fleet = await createFleetHarness({ dataDir: dir.path, url: server.url, ca: server.ca, devices: 3, okesPerCwm: 2, intervalMs: 1000, maxBackoffMs: 2000, seed: 4 });
  let browser: Browser | null = null;
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--name', 'Fryer by the window', '--data', dir.path])).stdout.trim();
    await device.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 1, payload: { _hbt: { temp: 171, door: 0 } } })), key));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const base = server.url.replace('127.0.0.1', 'localhost');

    // Login: the wrong password is refused visibly, the right one lands on the fleet page.
    await page.goto(`${base}/`);
    await page.getByLabel('Name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').first().waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();

    // The virtual fleet starts pushing; its first CWM shows up in the devices table.
    fleet.fleet.start();
    const firstVirtual = fleet.plans[0]?.id ?? '';
    await page.goto(`${base}/console/#/devices`);
    await page.getByText(firstVirtual).first().waitFor({ timeout: 20_000 });
    await page.goto(`${base}/console/#/`);
    await page.locator('canvas').first().waitFor();
    await page.screenshot({ path: join(ARTIFACT_DIR, 'fleet.png'), fullPage: true });

    // The virtual CWM's page charts its OKEs' fields with points from the telemetry API.
    const telemetry = page.waitForResponse(async (response) => {
      if (!response.url().includes('/telemetry?')) return false;
      const body = (await response.json()) as { points?: unknown[] };
      return (body.points?.length ?? 0) > 0;
    }, { timeout: 20_000 });
    await page.goto(`${base}/console/#/devices/${firstVirtual}`);
    await telemetry;
    await page.locator('.chart-card canvas').first().waitFor();
    await page.getByTestId('telemetry-source').getByText('from the raw OKMs').waitFor();
    // A month is read from hourly rollups (and the raw OKMs of the minutes not folded yet), and says so.
    const month = page.waitForResponse(async (response) => response.url().includes('/telemetry?') && ((await response.json()) as { source?: string }).source === 'hour', { timeout: 20_000 });
    await page.getByRole('radio', { name: '30 d' }).check();
    await month;
    await page.getByTestId('telemetry-source').getByText('from hourly rollups').waitFor();

    // A ping from the typed form to the hand-driven CWM: queued, delivered when it pulls, answered when it replies.
    await page.goto(`${base}/console/#/devices/${CWM}`);
    const pingForm = page.getByRole('form', { name: 'Ping' });
    await pingForm.getByLabel('Ping target').selectOption(OKE);
    await pingForm.getByRole('button', { name: 'Send' }).click();
    await page.locator('.messages-table').getByText('queued', { exact: true }).first().waitFor();
    const pushed = await device.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 2 })), key));
    assert.equal(pushed.body, '{"push":true,"pull":true}');
    const pulled = await device.send('GET', signedPath('/pull', pullReqText(CWM), key));
    const okmId = (JSON.parse(pulled.body) as { okm: { _id: number } }).okm._id;
    await page.locator('.messages-table').getByText('delivered', { exact: true }).first().waitFor({ timeout: 15_000 });
    await device.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: okmId, payload: { _ping: true } })), key));
    await page.locator('.messages-table').getByText('answered', { exact: true }).first().waitFor({ timeout: 15_000 });

    // Invalid raw JSON is refused in the page, with a message, and nothing is queued.
    const raw = page.getByRole('form', { name: 'Raw JSON message' });
    await raw.getByLabel('_dst (JSON array)').fill(`["${CWM}"]`);
    await raw.getByLabel('_cmd').fill('wr').catch(async () => raw.getByLabel('_cmd').selectOption('wr'));
    await raw.getByLabel('_pld (JSON object)').fill('{"cmd": {"relay": 1}');
    await raw.getByRole('button', { name: 'Validate and send' }).click();
    await raw.getByRole('alert').waitFor();
    assert.equal((await messageStates(page)).match(/queued/g)?.length ?? 0, 0, 'nothing new was queued');
    await page.screenshot({ path: join(ARTIFACT_DIR, 'device.png'), fullPage: true });

    // Logout returns to the login form; the API no longer answers this browser.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    const after = await page.evaluate(async () => (await fetch('/api/v1/devices')).status);
    assert.equal(after, 401);
    assert.deepEqual(pageErrors, []);
  } finally {
    await fleet.fleet.stop();
    await fleet.close();
    await browser?.close();
    device.close();
    await server.stop();
    dir.remove();
  }
});
