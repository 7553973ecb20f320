// The alert pages of the console in a real Chromium against the real app (issue 16): a webhook channel created
// (its secret shown once; an http URL refused), a rule written in the editor (a field the model lacks refused by
// the server next to the form), previewed on the fryer that reports too hot, saved; an alert (opened through the
// store the server uses) listed, acknowledged with a note, its device silenced; the open-alert badges on the
// devices and equipment rows and in the navigation.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONSOLE_DIST_DIR } from '../src/main.js';
import { CHROMIUM, openConsole, type ConsoleBrowser } from './support/console-browser.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { startListeningDeviceApp } from './support/listening-device-app.js';

const CWM = '0002517e000000a1';
const FRYER = 'e0f1aabbccdd00a1';
const PASSWORD = 'alerts console password';
const SCREENSHOT = '/tmp/alerts-console.png';

test('the alert pages: a channel, a rule edited and previewed, an alert acknowledged and silenced, badges on rows and in the navigation', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async () => {
  assert.ok(existsSync(join(CONSOLE_DIST_DIR, 'index.html')), 'the console is built (npm run build:web)');
  const server = await startListeningDeviceApp({ isTls: true });
  const { services } = server;
  let console: ConsoleBrowser | null = null;
  try {
    await services.auth.addOperator('admin', PASSWORD);
    await services.modelCatalog.installBuiltins();
    const { key } = await services.registry.addDevice({ id: CWM, key: 'alerts-console-key-0001' });
    // The fryer reports 241.0 °C (raw 2410, scale 0.1): above the rule's 200.
    const okm = buildUpstreamOkm({ cwmId: CWM, okeId: FRYER, id: 1, payload: { _hbt: { oil_temp: 2410 } } });
    const pushed = await server.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(okm), key) });
    assert.equal(pushed.statusCode, 200, pushed.body);
    await server.settle();

    console = await openConsole(server.url, PASSWORD);
    const { page } = console;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Alerts' }).click();
    await page.getByText('Nothing is firing.').waitFor();

    // A channel: an http URL refused by the server, then a webhook whose secret is shown once.
    await page.getByRole('navigation', { name: 'Alerts sections' }).getByRole('link', { name: 'Notification channels' }).click();
    const channelForm = page.locator('form.channel-form');
    await channelForm.getByLabel('Name').fill('Ops webhook');
    await channelForm.getByLabel('URL').fill('http://example.com/hook');
    await channelForm.getByRole('button', { name: 'Create channel' }).click();
    await channelForm.getByText('ERR_CHANNEL_INVALID').waitFor();
    await channelForm.getByLabel('URL').fill('https://hooks.example.com/opentps');
    await channelForm.getByRole('button', { name: 'Create channel' }).click();
    const secret = await page.getByTestId('webhook-secret').inputValue();
    assert.match(secret, /^whsec_/);
    const channelRow = page.locator('.channels-table tr', { hasText: 'Ops webhook' });
    await channelRow.getByRole('button', { name: 'Send test' }).click();
    await page.locator('.notifications-table tr', { hasText: 'Test notification to Ops webhook from admin' }).getByText('queued').waitFor();

    // A rule: a field the model lacks is refused next to the form; the preview finds the hot fryer; saved.
    await page.getByRole('navigation', { name: 'Alerts sections' }).getByRole('link', { name: 'Alert rules' }).click();
    const ruleForm = page.locator('form.rule-form');
    await ruleForm.getByLabel('Name').fill('Fryer oil too hot');
    await ruleForm.getByLabel('Severity').selectOption('critical');
    await ruleForm.getByLabel('Scope', { exact: true }).selectOption('model');
    await ruleForm.getByLabel('Scope value').fill('e0f1');
    const firstCondition = ruleForm.locator('fieldset.condition-editor').first();
    await firstCondition.getByLabel('Field', { exact: true }).fill('oil_tmp');
    await firstCondition.getByLabel('High').fill('200');
    await ruleForm.getByLabel('Ops webhook (webhook)').check();
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    await ruleForm.getByText(/condition\.field.*ERR_ALERT_RULE_INVALID/).waitFor();
    assert.deepEqual(await services.store.listAlertRules(), [], 'the refused rule was not stored');
    await firstCondition.getByLabel('Field', { exact: true }).fill('oil_temp');
    await ruleForm.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('rule-preview');
    await preview.getByText(FRYER).waitFor();
    assert.match((await preview.textContent()) ?? '', /fire on 1 now/);
    await copyFile(await console.screenshot('rule-editor'), '/tmp/alerts-console-rules.png');
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    await ruleForm.getByText('Saved Fryer oil too hot (version 1).').waitFor();
    await page.locator('.rules-table tr', { hasText: 'Fryer oil too hot' }).getByText('oil_temp > 200').waitFor();
    const [rule] = await services.store.listAlertRules();
    assert.ok(rule !== undefined);
    assert.equal(rule.channelIds.length, 1);

    // An alert opened through the server's store (the evaluation does this on a push once it is wired).
    const alert = await services.store.openAlert({ ruleId: rule.id, ruleVersion: rule.version, subjectId: FRYER, cwmId: CWM, siteId: null, state: 'firing', atMs: Date.now(), triggerValue: 241, summary: 'oil_temp 241 > 200' });
    assert.ok(alert !== null);

    await page.getByRole('navigation', { name: 'Alerts sections' }).getByRole('link', { name: 'Alerts' }).click();
    const row = page.locator(`.alerts-table tr[data-alert-id="${alert.id}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /critical.*Fryer oil too hot.*e0f1aabbccdd00a1.*firing.*241/);
    await nav.getByTestId('alerts-nav-count').getByText('1').waitFor();

    // Acknowledged with a note.
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Note').fill('oil changed, thermostat checked');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByText('by admin').waitFor();
    await row.getByText('oil changed, thermostat checked').waitFor();
    assert.equal((await services.store.findAlert(alert.id))?.acknowledgementNote, 'oil changed, thermostat checked');

    // The CWM silenced for two hours.
    await row.getByRole('button', { name: 'Silence' }).click();
    await dialog.getByLabel('For hours').fill('2');
    await dialog.getByLabel('Reason').fill('deep clean tonight');
    await dialog.getByRole('button', { name: 'Silence' }).click();
    await page.locator('.silences-table tr', { hasText: 'deep clean tonight' }).getByText(CWM).waitFor();
    const silences = await services.store.listSilences(Date.now());
    assert.deepEqual(silences.map((silence) => [silence.deviceId, silence.reason, silence.createdBy]), [[CWM, 'deep clean tonight', 'admin']]);
    await console.screenshot('alerts');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Badges: the CWM's row on the devices page and the fryer's on the equipment page.
    await nav.getByRole('link', { name: 'Devices' }).click();
    await page.locator('.devices-table tr', { hasText: CWM }).locator('.alert-count').getByText('1 firing').waitFor();
    await nav.getByRole('link', { name: 'Equipment' }).click();
    await page.locator('tr', { hasText: FRYER }).locator('.alert-count').getByText('1 firing').waitFor();
    await copyFile(await console.screenshot('equipment'), '/tmp/alerts-console-equipment.png');

    assert.deepEqual(console.pageErrors, []);
  } finally {
    await console?.close();
    await server.close();
  }
});
