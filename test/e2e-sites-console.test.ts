// The Sites page and the device page's Site control in a real Chromium against the real server (issue 15):
// a site created; the API's refusals shown by the field they are about (a malformed MAC, a MAC of another
// site, an unknown time zone, a taken name); an edit saved; a CWM placed at a site by hand from its page,
// which also shows the gateway MAC the CWM reported; a site deleted after confirmation.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONSOLE_DIST_DIR } from '../src/main.js';
import { CHROMIUM, openConsole, type ConsoleBrowser } from './support/console-browser.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CWM = '0002517e00000001';
const PASSWORD = 'sites console password';
const REPORTED_MAC = 'AA-BB-CC-00-11-22';

test('the Sites page: create, per-field API errors (bad MAC, taken MAC, bad time zone, taken name), edit, delete; a CWM placed at a site from its device page', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async (t) => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: PASSWORD });
  const device = createDeviceHttpClient(server.url, server.ca);
  let console: ConsoleBrowser | null = null;
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--name', 'Back kitchen CWM', '--data', dir.path])).stdout.trim();
    // The CWM reports a gateway MAC no site has (yet): recorded, placing it nowhere.
    const okm = buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { _hbt: { ti: 31 } } });
    const pushed = await device.send('POST', `${signedPath('/push', pushReqText(okm), key)}&gwmac=${REPORTED_MAC}`);
    assert.equal(pushed.status, 200, pushed.body);

    console = await openConsole(server.url, PASSWORD);
    const { page, base } = console;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByText('No sites yet.').waitFor();
    const form = page.locator('form.site-form');
    const name = form.getByLabel('Name', { exact: true });
    const timeZone = form.getByLabel('Time zone (optional)');
    const macs = form.getByLabel('Gateway MACs (optional)');
    const table = page.locator('.sites-table');

    // Created.
    await name.fill('Kitchen North');
    await form.getByLabel('Address (optional)').fill('1 North Street');
    await timeZone.fill('Europe/Paris');
    await macs.fill('aa:bb:cc:00:11:99');
    await form.getByRole('button', { name: 'Create site' }).click();
    const north = table.locator('tr', { hasText: 'Kitchen North' });
    await north.waitFor();
    assert.match((await north.textContent()) ?? '', /1 North Street.*Europe\/Paris.*aa:bb:cc:00:11:99/);

    // Refused, each by its field: a malformed MAC, a MAC of another site, a time zone that does not exist.
    await name.fill('Kitchen South');
    await macs.fill('zz:zz');
    await form.getByRole('button', { name: 'Create site' }).click();
    const macProblem = form.locator(`#${await macs.getAttribute('aria-describedby')}`);
    await macProblem.getByText('ERR_GATEWAY_MAC_INVALID').waitFor();
    assert.equal(await macs.getAttribute('aria-invalid'), 'true');
    t.diagnostic(`screenshot: ${await console.screenshot('sites-bad-mac')}`);
    await macs.fill('AA-BB-CC-00-11-99');
    await form.getByRole('button', { name: 'Create site' }).click();
    await macProblem.getByText('ERR_GATEWAY_MAC_TAKEN').waitFor();
    await macs.fill('aa:bb:cc:00:22:01');
    await timeZone.fill('Mars/Olympus_Mons');
    await form.getByRole('button', { name: 'Create site' }).click();
    await form.locator(`#${await timeZone.getAttribute('aria-describedby')}`).getByText('ERR_TIME_ZONE_INVALID').waitFor();
    await timeZone.fill('Europe/Berlin');
    await form.getByRole('button', { name: 'Create site' }).click();
    const south = table.locator('tr', { hasText: 'Kitchen South' });
    await south.waitFor();

    // Edited: a taken name is refused by the name, then a new one saved.
    await south.getByRole('button', { name: 'Edit Kitchen South' }).click();
    assert.equal(await name.inputValue(), 'Kitchen South');
    await name.fill('Kitchen North');
    await form.getByRole('button', { name: 'Save site' }).click();
    await form.locator(`#${await name.getAttribute('aria-describedby')}`).getByText('ERR_SITE_NAME_TAKEN').waitFor();
    await name.fill('Kitchen South Annex');
    await form.getByRole('button', { name: 'Save site' }).click();
    await table.locator('tr', { hasText: 'Kitchen South Annex' }).waitFor();
    t.diagnostic(`screenshot: ${await console.screenshot('sites')}`);

    // The CWM placed at Kitchen North by hand from its page; the MAC it reported is shown.
    await page.goto(`${base}/console/#/devices/${CWM}`);
    const placement = page.locator('.site-placement');
    await placement.getByTestId('current-site').getByText('none').waitFor();
    await placement.getByLabel('Site', { exact: true }).selectOption({ label: 'Kitchen North' });
    await placement.getByRole('button', { name: 'Place' }).click();
    await placement.getByText('Placed by hand.').waitFor();
    assert.match((await placement.locator('.reported-mac').textContent()) ?? '', new RegExp(REPORTED_MAC));
    assert.equal(await placement.getByTestId('current-site').textContent(), 'Kitchen North');
    t.diagnostic(`screenshot: ${await console.screenshot('device-site')}`);
    await page.reload();
    await placement.getByTestId('current-site').getByText('Kitchen North').waitFor();
    // Tags on the CWM, saved at once and read back after a reload.
    const tagsCard = page.locator('.device-tags');
    await tagsCard.getByLabel('New tag').fill('region:north');
    await tagsCard.getByRole('button', { name: 'Add tag' }).click();
    await tagsCard.getByText('Added region:north.').waitFor();
    await page.reload();
    await tagsCard.locator('.tag-chip', { hasText: 'region:north' }).waitFor();

    // Its own heartbeat reads with the CWM's dictionary: the label and unit, the raw value beside.
    const latest = page.locator('.origin-card', { hasText: CWM });
    await latest.getByText('Internal temperature').waitFor();
    assert.match((await latest.locator('tr', { hasText: 'Internal temperature' }).textContent()) ?? '', /31\.0 °C\s*31/);

    // The devices table filters by site.
    await page.goto(`${base}/console/#/devices`);
    const devicesTable = page.locator('table', { hasText: CWM });
    await devicesTable.waitFor();
    await page.getByLabel('Site', { exact: true }).selectOption({ label: 'Kitchen South Annex' });
    await page.getByText('0 of 0 devices').or(page.getByText('0–0 of 0 devices')).waitFor();
    await page.getByLabel('Site', { exact: true }).selectOption({ label: 'Kitchen North' });
    await page.getByText('1–1 of 1 devices').waitFor();
    await page.getByLabel('Site', { exact: true }).selectOption({ value: '' });
    await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'region:north' });
    await page.getByText('1–1 of 1 devices').waitFor();
    t.diagnostic(`screenshot: ${await console.screenshot('devices-by-site')}`);

    // The site now counts its CWM; the other one is deleted after confirmation.
    await page.goto(`${base}/console/#/sites`);
    await north.waitFor();
    assert.equal((await north.locator('td.numeric').textContent())?.trim(), '1');
    await table.getByRole('button', { name: 'Delete Kitchen South Annex' }).click();
    await table.locator('tr', { hasText: 'Kitchen South Annex' }).waitFor({ state: 'detached' });
    assert.equal(await table.locator('tbody tr').count(), 1);
    assert.deepEqual(console.pageErrors, []);
  } finally {
    await console?.close();
    device.close();
    await server.stop();
    dir.remove();
  }
});
