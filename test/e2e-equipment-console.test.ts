// The Equipment pages in a real Chromium against the real server (issue 15): two example fryers (e0f1) and a
// combi oven behind one CWM send heartbeats; the list shows decoded key values with HACCP and mismatch
// markers, narrows with its filters and sorts by its headers; the detail page shows "177.0 °C" beside the raw 1770, the HACCP
// marker, a value that does not fit its enum shown raw and marked, one past its max marked out of range,
// an unknown field listed raw, tags saved
// and filtered on, and a chart labelled by the dictionary. Screenshot paths are printed as diagnostics.

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

const CWM = '0002e0f100000001';
const FRYER = 'e0f1000000000001';
const ODD_FRYER = 'e0f1000000000002';
const OVEN = 'e0c1000000000001';
const PASSWORD = 'equipment console password';

test('the Equipment pages: decoded values beside raw, HACCP and mismatch markers, unknown fields raw, filters and sorting, tags, a dictionary-labelled chart', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async (t) => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: PASSWORD });
  const device = createDeviceHttpClient(server.url, server.ca);
  let console: ConsoleBrowser | null = null;
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--name', 'Fry station', '--data', dir.path])).stdout.trim();
    let okmId = 0;
    const push = async (okeId: string, heartbeat: Record<string, unknown>): Promise<void> => {
      okmId += 1;
      const answer = await device.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId, id: okmId, payload: { _hbt: heartbeat } })), key));
      assert.equal(answer.status, 200, answer.body);
    };
    await push(FRYER, { serial_no: 'FRY-0001', oil_temp: 1770, set_temp: 1770, program_mode: 3, basket_lifted: false, mystery_gauge: 42 });
    await push(ODD_FRYER, { serial_no: 'FRY-0002', oil_temp: 2700, set_temp: 1700, program_mode: 99, basket_lifted: true });
    await push(OVEN, { serial_no: 'OVN-0001', cabinet_temp: 180, core_temp: 654, program_mode: 3, door_open: false });

    console = await openConsole(server.url, PASSWORD);
    const { page, base } = console;

    // The list: every equipment, with its model's name and decoded key values.
    await page.getByRole('link', { name: 'Equipment', exact: true }).click();
    const table = page.locator('.equipment-table');
    const fryerRow = table.locator(`tr[data-equipment-id="${FRYER}"]`);
    await fryerRow.waitFor();
    await table.locator(`tr[data-equipment-id="${OVEN}"]`).waitFor();
    assert.match((await fryerRow.textContent()) ?? '', /Example open fryer/);
    assert.match((await fryerRow.textContent()) ?? '', /177\.0 °C/);
    await fryerRow.locator('.badge', { hasText: 'HACCP' }).first().waitFor();
    const oddRow = table.locator(`tr[data-equipment-id="${ODD_FRYER}"]`);
    const mismatch = oddRow.locator('.badge', { hasText: 'mismatch' });
    await mismatch.waitFor();
    assert.match((await mismatch.getAttribute('title')) ?? '', /99.*does not fit/);
    t.diagnostic(`screenshot: ${await console.screenshot('equipment-list')}`);

    // Filters narrow the table, one request each.
    const rows = table.locator('tbody tr[data-equipment-id]');
    await page.getByLabel('Model').selectOption('e0f1');
    await oddRow.waitFor();
    await table.locator(`tr[data-equipment-id="${OVEN}"]`).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 2);
    await page.getByLabel('Search').fill('0002');
    await table.locator(`tr[data-equipment-id="${FRYER}"]`).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);
    await page.getByLabel('Model').selectOption('');
    await page.getByLabel('Search').fill('');
    await table.locator(`tr[data-equipment-id="${OVEN}"]`).waitFor();
    await page.getByLabel('Status').selectOption('offline');
    await page.getByText('No equipment matches.').waitFor();
    await page.getByLabel('Status').selectOption('online');
    await fryerRow.waitFor();
    // Sorted by clicking a header: ascending ids first, then descending.
    await table.locator(`tbody tr:first-child[data-equipment-id="${OVEN}"]`).waitFor();
    await table.getByRole('button', { name: /^Equipment id/ }).click();
    await table.locator(`tbody tr:first-child[data-equipment-id="${ODD_FRYER}"]`).waitFor();
    assert.equal(await table.locator('th[aria-sort="descending"]').textContent(), 'Equipment id ▼');

    // The detail page: decoded beside raw, HACCP marked, unknown field raw, the CWM linked.
    const chartAnswer = page.waitForResponse(async (response) => {
      if (!response.url().includes(`/telemetry?`) || !response.url().includes('field=oil_temp')) return false;
      const body = (await response.json()) as { dictionaryField?: { label?: string } | null };
      return body.dictionaryField?.label === 'Oil temperature';
    }, { timeout: 20_000 });
    await fryerRow.getByRole('link', { name: FRYER }).click();
    const oil = page.locator('#telemetry-values tr[data-key="oil_temp"]');
    await oil.waitFor();
    const oilText = (await oil.textContent()) ?? '';
    assert.match(oilText, /Oil temperature/);
    assert.match(oilText, /177\.0 °C/);
    assert.equal((await oil.locator('.raw-value').textContent())?.trim(), '1770');
    await oil.locator('.badge', { hasText: 'HACCP' }).waitFor();
    assert.match((await page.locator('#settings tr[data-key="set_temp"]').textContent()) ?? '', /177\.0 °C/);
    assert.match((await page.locator('#nameplate tr[data-key="serial_no"]').textContent()) ?? '', /FRY-0001/);
    assert.match((await page.locator('#telemetry-values tr[data-key="program_mode"]').textContent()) ?? '', /ready/);
    const unknown = page.locator('#unknown-fields tr[data-key="mystery_gauge"]');
    await unknown.waitFor();
    assert.match((await unknown.textContent()) ?? '', /42/);
    await page.locator('.device-summary').getByRole('link', { name: CWM }).waitFor();
    await chartAnswer;
    const oilChart = page.locator('.chart-card', { hasText: 'Oil temperature' });
    await oilChart.locator('canvas').first().waitFor();
    assert.match((await oilChart.getAttribute('class')) ?? '', /chart-haccp/);

    // Tags: added as a chip, saved, and offered by the list's tag filter.
    await page.getByLabel('New tag').fill('line-1');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('button', { name: 'Remove tag line-1' }).waitFor();
    t.diagnostic(`screenshot: ${await console.screenshot('equipment-detail')}`);
    await page.reload();
    await page.getByRole('button', { name: 'Remove tag line-1' }).waitFor();

    // The fryer whose program mode does not fit: raw 99, marked.
    await page.goto(`${base}/console/#/equipment/${ODD_FRYER}`);
    const mode = page.locator('#telemetry-values tr[data-key="program_mode"]');
    await mode.locator('.badge', { hasText: 'mismatch' }).waitFor();
    assert.match((await mode.locator('.value-mismatch').textContent()) ?? '', /^99$/);
    // 270.0 °C is past the dictionary's max of 260: decoded, and marked out of range.
    const hotOil = page.locator('#telemetry-values tr[data-key="oil_temp"]');
    assert.match((await hotOil.textContent()) ?? '', /270\.0 °C/);
    await hotOil.locator('.badge', { hasText: 'out of range' }).waitFor();
    t.diagnostic(`screenshot: ${await console.screenshot('equipment-mismatch')}`);

    await page.goto(`${base}/console/#/equipment`);
    await page.getByLabel('Tag').selectOption('line-1');
    await table.locator(`tr[data-equipment-id="${OVEN}"]`).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-equipment-id'), FRYER);
    assert.deepEqual(console.pageErrors, []);
  } finally {
    await console?.close();
    device.close();
    await server.stop();
    dir.remove();
  }
});
