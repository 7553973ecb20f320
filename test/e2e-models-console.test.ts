// The Models pages in a real Chromium against the real server (issue 15): the built-in models listed with
// their mismatch counts; the dictionary editor naming a bad unit next to its input as it is typed and
// refusing to save, saving a valid change as the next version, telling the operator to reload when someone
// else saved first (409), importing a model from a JSON file through the file input, exporting it, deleting it.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONSOLE_DIST_DIR } from '../src/main.js';
import { CHROMIUM, openConsole, type ConsoleBrowser } from './support/console-browser.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CWM = '0002e0f100000002';
const PASSWORD = 'models console password';

const IMPORTED_MODEL = {
  modelId: 'abcd',
  name: 'Imported holding cabinet',
  maker: 'Test maker',
  kind: 'holding cabinet',
  fields: [
    { key: 'cab_temp', label: 'Cabinet temperature', class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, precision: 1, haccp: true },
    { key: 'mode', label: 'Mode', class: 'setting', type: 'enum', enumLabels: { '0': 'off', '1': 'hold' } },
  ],
};

test('the Models pages: built-ins listed, a bad unit named next to its input, a valid change saved as the next version, a stale save refused, import, export, delete', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async (t) => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  const dir = createTempDataDir();
  const modelFile = join(dir.path, 'holding-cabinet.json');
  writeFileSync(modelFile, JSON.stringify(IMPORTED_MODEL, null, 2));
  const server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: PASSWORD });
  const device = createDeviceHttpClient(server.url, server.ca);
  let console: ConsoleBrowser | null = null;
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--data', dir.path])).stdout.trim();
    const okm = buildUpstreamOkm({ cwmId: CWM, okeId: 'e0f1000000000009', id: 1, payload: { _hbt: { oil_temp: 1770, program_mode: 99 } } });
    assert.equal((await device.send('POST', signedPath('/push', pushReqText(okm), key))).status, 200);

    console = await openConsole(server.url, PASSWORD);
    const { page, base } = console;

    // The list: the built-in models, the fryer with the value that did not fit.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    const fryerRow = page.locator('.models-table tr', { hasText: 'e0f1' });
    await fryerRow.waitFor();
    assert.match((await fryerRow.textContent()) ?? '', /Example open fryer.*built-in.*fryer.*OpenTPS example/);
    assert.equal((await fryerRow.locator('td').last().textContent())?.trim(), '1');
    t.diagnostic(`screenshot: ${await console.screenshot('models-list')}`);

    // The editor: a unit that is not UCUM is named next to its input while typing; Save stays disabled.
    await fryerRow.getByRole('link', { name: 'e0f1' }).click();
    const oilRow = page.locator('tr.field-row', { has: page.locator('input[value="oil_temp"]') });
    await oilRow.waitFor();
    await page.getByText('The model is valid.').waitFor();
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await oilRow.getByLabel('Unit').fill('degrees');
    await oilRow.getByText('"degrees" is not an accepted UCUM code').waitFor();
    assert.equal(await oilRow.getByLabel('Unit').getAttribute('aria-invalid'), 'true');
    await page.locator('.problem-summary', { hasText: 'fields[4].unit' }).waitFor();
    assert.equal(await save.isDisabled(), true);
    t.diagnostic(`screenshot: ${await console.screenshot('model-editor-problem')}`);

    // Fixed and changed: saved as version 2.
    await oilRow.getByLabel('Unit').fill('Cel');
    await oilRow.getByLabel('Label').fill('Oil temperature in the vat');
    await page.getByText('The model is valid.').waitFor();
    await save.click();
    await page.getByText('Saved version 2.').waitFor();
    await page.locator('.badge', { hasText: 'version 2' }).waitFor();
    assert.equal((await oilRow.getByLabel('Label').inputValue()), 'Oil temperature in the vat');

    // Someone else saves version 3 from another tab; this tab, still at 2, is refused and told to reload.
    const other = await page.context().newPage();
    await other.goto(`${base}/console/#/models/e0f1`);
    const otherOil = other.locator('tr.field-row', { has: other.locator('input[value="oil_temp"]') });
    await otherOil.getByLabel('Precision').fill('2');
    await other.getByText('The model is valid.').waitFor();
    await other.getByRole('button', { name: 'Save', exact: true }).click();
    await other.getByText('Saved version 3.').waitFor();
    await other.close();
    await oilRow.getByLabel('Max').fill('250');
    await page.getByText('The model is valid.').waitFor();
    await save.click();
    const conflict = page.getByRole('alert').filter({ hasText: 'ERR_MODEL_VERSION_CONFLICT' });
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? '', /Reload/);
    t.diagnostic(`screenshot: ${await console.screenshot('model-editor-conflict')}`);
    await conflict.getByRole('button', { name: 'Reload the model' }).click();
    await page.locator('.badge', { hasText: 'version 3' }).waitFor();
    assert.equal(await oilRow.getByLabel('Precision').inputValue(), '2');
    await page.locator('.versions-table tbody tr').nth(2).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Delete model' }).isVisible(), false, 'a built-in model cannot be deleted');

    // A new model imported from a JSON file through the file input, validated, then saved.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
    await page.getByRole('button', { name: 'New model' }).click();
    await page.getByLabel('Import a JSON file').setInputFiles(modelFile);
    await page.getByText('Loaded holding-cabinet.json into the editor. It is valid').waitFor();
    assert.equal(await page.locator('tr.field-row').count(), 2);
    await page.locator('.label-map[data-kind="enum"] input[value="hold"]').waitFor();
    t.diagnostic(`screenshot: ${await console.screenshot('model-editor-import')}`);
    // Reordered before saving: the mode first.
    await page.locator('tr.field-row').nth(1).getByRole('button', { name: 'Move up' }).click();
    assert.equal(await page.locator('tr.field-row').first().getByLabel('Key').inputValue(), 'mode');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/#\/models\/abcd$/);
    await page.locator('.badge', { hasText: 'version 1' }).waitFor();

    // Export: the download is the model as saved.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const exported = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as { modelId: string; fields: { key: string }[] };
    assert.equal(exported.modelId, 'abcd');
    assert.deepEqual(exported.fields.map((field) => field.key), ['mode', 'cab_temp']);

    // Delete (confirmed): gone from the list.
    await page.getByRole('button', { name: 'Delete model' }).click();
    await page.waitForURL(/#\/models$/);
    await fryerRow.waitFor();
    assert.equal(await page.locator('.models-table tr', { hasText: 'abcd' }).count(), 0);
    assert.deepEqual(console.pageErrors, []);
  } finally {
    await console?.close();
    device.close();
    await server.stop();
    dir.remove();
  }
});
