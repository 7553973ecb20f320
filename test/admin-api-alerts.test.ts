// Issue 16 through the admin API (Fastify inject on a real store: SQLite, and PostgreSQL when
// OPENTPS_TEST_PG_URL is set): alert rules checked against the models and channels before anything is written,
// notification channels whose secret is answered once, alerts listed, acknowledged and counted for badges,
// silences; and for each refusal its code and that nothing was half-written.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';
import { createTestDatabase, type TestDatabase } from './support/postgres-test-database.js';

const PASSWORD = 'correct horse battery staple';
const CWM = '0002010203040506';
const FRYER = 'e0f1aabbccddee01';

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function session(h: DeviceAppHarness): Promise<Session> {
  const response = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
  assert.equal(response.statusCode, 200, response.body);
  return { cookie: String(response.headers['set-cookie']).split(';')[0] ?? '', csrf: (response.json() as { csrfToken: string }).csrfToken };
}

function callWith(h: DeviceAppHarness, s: Session) {
  return (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = { cookie: s.cookie };
    if (method !== 'GET') headers['x-csrf-token'] = s.csrf;
    return h.deviceApp.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  };
}

function assertRefused(response: LightMyRequestResponse, status: number, code: string, messagePart?: RegExp): void {
  assert.equal(response.statusCode, status, response.body);
  const body = response.json() as { error: string; message: string };
  assert.equal(body.error, code, response.body);
  if (messagePart !== undefined) assert.match(body.message, messagePart);
}

const fryerRule = (overrides: Record<string, unknown> = {}) => ({
  name: 'Fryer oil too hot',
  severity: 'major',
  scope: { kind: 'model', modelId: 'e0f1' },
  condition: { kind: 'threshold', field: 'oil_temp', operator: 'above', high: 200, forS: 60 },
  ...overrides,
});

function describeAlertApi(backend: string, openHarness: () => Promise<{ h: DeviceAppHarness; done: () => Promise<void> }>): void {
  describe(`admin API: alerts, rules, silences and channels (${backend})`, () => {
    let h: DeviceAppHarness;
    let done: () => Promise<void>;
    let call: ReturnType<typeof callWith>;
    before(async () => {
      ({ h, done } = await openHarness());
      await h.services.auth.addOperator('admin', PASSWORD);
      await h.services.modelCatalog.installBuiltins();
      call = callWith(h, await session(h));
    });
    after(() => done());

    test('a webhook channel answers its secret when created and never afterwards; a URL that is not https is refused and not stored', async () => {
      const created = await call('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Ops hook', url: 'https://hooks.example.com/opentps' });
      assert.equal(created.statusCode, 201, created.body);
      const channel = created.json() as { id: number; secret: string; url: string; kind: string };
      assert.match(channel.secret, /^whsec_[A-Za-z0-9+/=]{40,}$/);
      assert.equal(channel.url, 'https://hooks.example.com/opentps');
      const listed = await call('GET', '/api/v1/notification-channels');
      assert.ok(!listed.body.includes(channel.secret), 'the list never shows the secret');
      assert.ok(!listed.body.includes('"secret"'));
      const one = await call('GET', `/api/v1/notification-channels/${channel.id}`);
      assert.equal(one.statusCode, 200);
      assert.ok(!one.body.includes(channel.secret));

      assertRefused(await call('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Plain', url: 'http://example.com' }), 400, 'ERR_CHANNEL_INVALID', /url: must be https/);
      assertRefused(await call('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Ops hook', url: 'https://other.example.com/' }), 409, 'ERR_CHANNEL_NAME_TAKEN');
      const names = ((await call('GET', '/api/v1/notification-channels')).json() as { items: Array<{ name: string }> }).items.map((item) => item.name);
      assert.deepEqual(names, ['Ops hook']);
      const audit = await h.services.store.listAudit(50);
      assert.ok(audit.some((entry) => entry.action === 'channel.add' && entry.target === String(channel.id) && entry.actor === 'admin'));
      assert.ok(!JSON.stringify(audit).includes(channel.secret), 'the audit log keeps no secret');
    });

    test('an e-mail channel names its bad member (recipients, port, host); its SMTP password is stored but never returned', async () => {
      const email = { kind: 'email', name: 'Kitchen mail', to: ['chef@example.com'], from: 'opentps@example.com', smtpHost: 'smtp.example.com', smtpPort: 587, smtpUser: 'opentps', smtpPassword: 'hunter2-secret' };
      assertRefused(await call('POST', '/api/v1/notification-channels', { ...email, to: [] }), 400, 'ERR_CHANNEL_INVALID', /to: 1 to 20 addresses/);
      assertRefused(await call('POST', '/api/v1/notification-channels', { ...email, to: ['not an address'] }), 400, 'ERR_CHANNEL_INVALID', /to\[0\]/);
      assertRefused(await call('POST', '/api/v1/notification-channels', { ...email, smtpPort: 70000 }), 400, 'ERR_CHANNEL_INVALID', /smtpPort/);
      assertRefused(await call('POST', '/api/v1/notification-channels', { ...email, smtpHost: 'bad host!' }), 400, 'ERR_CHANNEL_INVALID', /smtpHost/);
      const created = await call('POST', '/api/v1/notification-channels', email);
      assert.equal(created.statusCode, 201, created.body);
      const channel = created.json() as { id: number; secret: string | null; hasSmtpPassword: boolean; smtpUser: string };
      assert.equal(channel.secret, null);
      assert.equal(channel.hasSmtpPassword, true);
      assert.ok(!created.body.includes('hunter2-secret'));
      const patched = await call('PATCH', `/api/v1/notification-channels/${channel.id}`, { isEnabled: false, smtpPort: 465 });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(patched.json().isEnabled, false);
      assert.equal(patched.json().smtpPort, 465);
      assert.equal(patched.json().hasSmtpPassword, true, 'a change without a password keeps it');
      const stored = await h.services.store.findChannel(channel.id);
      assert.equal(stored?.target.kind === 'email' ? stored.target.smtpPassword : null, 'hunter2-secret');
      assertRefused(await call('PATCH', `/api/v1/notification-channels/${channel.id}`, { url: 'https://x.example.com/' }), 400, 'ERR_CHANNEL_INVALID', /url/);
      assertRefused(await call('PATCH', '/api/v1/notification-channels/9999', { isEnabled: true }), 404, 'ERR_CHANNEL_NOT_FOUND');
      assertRefused(await call('DELETE', '/api/v1/notification-channels/9999'), 404, 'ERR_CHANNEL_NOT_FOUND');
      assert.equal((await call('DELETE', `/api/v1/notification-channels/${channel.id}`)).statusCode, 204);
      assertRefused(await call('GET', `/api/v1/notification-channels/${channel.id}`), 404, 'ERR_CHANNEL_NOT_FOUND');
    });

    test('a test notification is queued in the channel\'s outbox and listed with its state and attempts', async () => {
      const channel = (await call('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Test hook', url: 'http://127.0.0.1:9/hook' })).json() as { id: number };
      const queued = await call('POST', `/api/v1/notification-channels/${channel.id}/test`);
      assert.equal(queued.statusCode, 202, queued.body);
      assert.equal(queued.json().state, 'queued');
      const page = (await call('GET', `/api/v1/notification-channels/${channel.id}/notifications`)).json() as { total: number; items: Array<{ state: string; attempts: number; lastError: string | null; payload: { type: string } }> };
      assert.equal(page.total, 1);
      assert.deepEqual(page.items.map((item) => [item.state, item.attempts, item.lastError, item.payload.type]), [['queued', 0, null, 'test']]);
      assertRefused(await call('POST', '/api/v1/notification-channels/9999/test'), 404, 'ERR_CHANNEL_NOT_FOUND');
      assertRefused(await call('GET', '/api/v1/notification-channels/9999/notifications'), 404, 'ERR_CHANNEL_NOT_FOUND');
    });

    test('a rule is checked against its model and its channels before it is stored: a missing field, a string threshold, a missing channel', async () => {
      const before = (await call('GET', '/api/v1/alert-rules')).json() as { items: unknown[] };
      assertRefused(await call('POST', '/api/v1/alert-rules', fryerRule({ condition: { kind: 'threshold', field: 'no_such_field', operator: 'above', high: 1 } })), 400, 'ERR_ALERT_RULE_INVALID', /condition\.field/);
      assertRefused(await call('POST', '/api/v1/alert-rules', fryerRule({ condition: { kind: 'threshold', field: 'oil_temp', operator: 'above', high: '200' } })), 400, 'ERR_ALERT_RULE_INVALID', /condition/);
      assertRefused(await call('POST', '/api/v1/alert-rules', fryerRule({ condition: { kind: 'threshold', field: 'oil_temp', operator: 'outside', low: 10 } })), 400, 'ERR_ALERT_RULE_INVALID', /condition\.high/);
      assertRefused(await call('POST', '/api/v1/alert-rules', fryerRule({ channelIds: [9999] })), 404, 'ERR_CHANNEL_NOT_FOUND', /9999/);
      const after = (await call('GET', '/api/v1/alert-rules')).json() as { items: unknown[] };
      assert.equal(after.items.length, before.items.length, 'no refused rule was stored');
    });

    test('a rule is created, read, replaced (its version goes up), previewed and deleted, each change audited; unknown ids are 404', async () => {
      const hook = (await call('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Rule hook', url: 'https://hooks.example.com/r' })).json() as { id: number };
      const created = await call('POST', '/api/v1/alert-rules', fryerRule({ channelIds: [hook.id] }));
      assert.equal(created.statusCode, 201, created.body);
      const rule = created.json() as { id: number; version: number; channelIds: number[]; isEnabled: boolean; condition: { field: string } };
      assert.deepEqual([rule.version, rule.channelIds, rule.isEnabled, rule.condition.field], [1, [hook.id], true, 'oil_temp']);
      assert.equal((await call('GET', `/api/v1/alert-rules/${rule.id}`)).json().name, 'Fryer oil too hot');
      const replaced = await call('PUT', `/api/v1/alert-rules/${rule.id}`, fryerRule({ name: 'Fryer oil far too hot', severity: 'critical' }));
      assert.equal(replaced.statusCode, 200, replaced.body);
      assert.deepEqual([replaced.json().version, replaced.json().severity, replaced.json().channelIds], [2, 'critical', []]);

      const preview = await call('POST', '/api/v1/alert-rules/preview?limit=10', fryerRule());
      assert.equal(preview.statusCode, 200, preview.body);
      assert.deepEqual(preview.json().matches, [], 'no fryer reports yet');
      assertRefused(await call('POST', '/api/v1/alert-rules/preview?limit=500', fryerRule()), 400, 'ERR_API_INVALID', /limit/);
      assertRefused(await call('POST', '/api/v1/alert-rules/preview', fryerRule({ condition: { kind: 'counter-increased', field: 'nope' } })), 400, 'ERR_ALERT_RULE_INVALID', /condition\.field/);

      assertRefused(await call('GET', '/api/v1/alert-rules/9999'), 404, 'ERR_ALERT_RULE_NOT_FOUND');
      assertRefused(await call('PUT', '/api/v1/alert-rules/9999', fryerRule()), 404, 'ERR_ALERT_RULE_NOT_FOUND');
      assertRefused(await call('DELETE', '/api/v1/alert-rules/9999'), 404, 'ERR_ALERT_RULE_NOT_FOUND');
      assert.equal((await call('DELETE', `/api/v1/alert-rules/${rule.id}`)).statusCode, 204);
      assertRefused(await call('GET', `/api/v1/alert-rules/${rule.id}`), 404, 'ERR_ALERT_RULE_NOT_FOUND');
      const actions = (await h.services.store.listAudit(100)).filter((entry) => entry.target === String(rule.id) && entry.action.startsWith('alert-rule.')).map((entry) => entry.action);
      assert.deepEqual(actions.sort(), ['alert-rule.add', 'alert-rule.delete', 'alert-rule.replace']);
    });

    test('alerts are listed (open by default), found, acknowledged once (a second acknowledgement keeps the first), counted and badged', async () => {
      const rule = (await call('POST', '/api/v1/alert-rules', fryerRule({ name: 'Hot oil' }))).json() as { id: number; version: number };
      const nowMs = h.services.clock.nowMs();
      const opened = await h.services.store.openAlert({ ruleId: rule.id, ruleVersion: rule.version, subjectId: FRYER, cwmId: CWM, siteId: null, state: 'firing', atMs: nowMs, triggerValue: 231.5, summary: 'oil_temp 231.5 > 200' });
      assert.ok(opened !== null);

      const open = (await call('GET', '/api/v1/alerts')).json() as { total: number; items: Array<{ id: number; state: string; subjectId: string; triggerValue: unknown; firedAt: string | null }> };
      assert.deepEqual(open.items.map((item) => [item.id, item.state, item.subjectId, item.triggerValue]), [[opened.id, 'firing', FRYER, 231.5]]);
      assert.equal(open.items[0]?.firedAt, new Date(nowMs).toISOString());
      assert.equal(((await call('GET', '/api/v1/alerts?state=resolved')).json() as { total: number }).total, 0);
      assert.equal(((await call('GET', `/api/v1/alerts?deviceId=${CWM}&severity=major&acknowledged=false`)).json() as { total: number }).total, 1);
      assertRefused(await call('GET', '/api/v1/alerts?state=open'), 400, 'ERR_API_INVALID', /state/);
      assertRefused(await call('GET', '/api/v1/alerts/9999'), 404, 'ERR_ALERT_NOT_FOUND');
      assert.equal((await call('GET', `/api/v1/alerts/${opened.id}`)).json().summary, 'oil_temp 231.5 > 200');

      const summary = (await call('GET', '/api/v1/alerts/summary')).json() as { firing: number; firingUnacknowledged: number; bySeverity: { major: number } };
      assert.deepEqual([summary.firing, summary.firingUnacknowledged, summary.bySeverity.major], [1, 1, 1]);
      const badges = (await call('GET', `/api/v1/alerts/badges?ids=${CWM},${FRYER},0002999999999999`)).json() as { items: Array<{ deviceId: string; firing: number; worstSeverity: string }> };
      assert.deepEqual(badges.items.map((item) => [item.deviceId, item.firing, item.worstSeverity]).sort(), [[CWM, 1, 'major'], [FRYER, 1, 'major']]);
      const tooMany = Array.from({ length: 501 }, (_unused, index) => `d${index}`).join(',');
      assertRefused(await call('GET', `/api/v1/alerts/badges?ids=${tooMany}`), 400, 'ERR_API_INVALID', /500/);

      const first = await call('POST', `/api/v1/alerts/${opened.id}/acknowledge`, { note: 'filter changed' });
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual([first.json().acknowledgedBy, first.json().acknowledgementNote], ['admin', 'filter changed']);
      const second = await call('POST', `/api/v1/alerts/${opened.id}/acknowledge`, { note: 'again' });
      assert.equal(second.statusCode, 200, second.body);
      assert.equal(second.json().acknowledgementNote, 'filter changed', 'the first acknowledgement stays');
      assert.equal(second.json().acknowledgedAt, first.json().acknowledgedAt);
      assertRefused(await call('POST', `/api/v1/alerts/${opened.id}/acknowledge`, { note: 'x'.repeat(1001) }), 400, 'ERR_API_INVALID', /note/);
      assertRefused(await call('POST', '/api/v1/alerts/9999/acknowledge', { note: '' }), 404, 'ERR_ALERT_NOT_FOUND');
      assert.equal(((await call('GET', '/api/v1/alerts/summary')).json() as { firingUnacknowledged: number }).firingUnacknowledged, 0);
    });

    test('a silence needs exactly one target, an end in the future and a reason; it is listed while in force and ended by delete', async () => {
      const until = new Date(h.services.clock.nowMs() + 3_600_000).toISOString();
      const count = async (): Promise<number> => ((await call('GET', '/api/v1/silences')).json() as { items: unknown[] }).items.length;
      const before = await count();
      assertRefused(await call('POST', '/api/v1/silences', { deviceId: CWM, siteId: 1, until, reason: 'maintenance' }), 400, 'ERR_SILENCE_INVALID', /exactly one/);
      assertRefused(await call('POST', '/api/v1/silences', { until, reason: 'maintenance' }), 400, 'ERR_SILENCE_INVALID');
      assertRefused(await call('POST', '/api/v1/silences', { deviceId: CWM, until: new Date(h.services.clock.nowMs() - 1000).toISOString(), reason: 'late' }), 400, 'ERR_SILENCE_INVALID', /future/);
      assertRefused(await call('POST', '/api/v1/silences', { deviceId: CWM, until: new Date(h.services.clock.nowMs() + 91 * 86_400_000).toISOString(), reason: 'long' }), 400, 'ERR_SILENCE_INVALID', /90 days/);
      assertRefused(await call('POST', '/api/v1/silences', { deviceId: CWM, until, reason: '   ' }), 400, 'ERR_SILENCE_INVALID', /reason/);
      assertRefused(await call('POST', '/api/v1/silences', { ruleId: 9999, until, reason: 'no rule' }), 404, 'ERR_ALERT_RULE_NOT_FOUND');
      assert.equal(await count(), before, 'no refused silence was stored');

      const created = await call('POST', '/api/v1/silences', { deviceId: CWM, until, reason: 'fryer cleaning' });
      assert.equal(created.statusCode, 201, created.body);
      const silence = created.json() as { id: number; until: string; createdBy: string; deviceId: string };
      assert.deepEqual([silence.until, silence.createdBy, silence.deviceId], [until, 'admin', CWM]);
      assert.equal(await count(), before + 1);
      assert.equal((await call('DELETE', `/api/v1/silences/${silence.id}`)).statusCode, 204);
      assertRefused(await call('DELETE', `/api/v1/silences/${silence.id}`), 404, 'ERR_SILENCE_NOT_FOUND');
      assert.equal(await count(), before);
    });
  });
}

describeAlertApi('SQLite', async () => {
  const h = await createDeviceAppHarness();
  return { h, done: () => h.close() };
});

if (process.env['OPENTPS_TEST_PG_URL'] !== undefined) {
  describeAlertApi('PostgreSQL', async () => {
    const database: TestDatabase = await createTestDatabase('opentps_alert_api');
    const h = await createDeviceAppHarness({ db: database.url });
    return {
      h,
      done: async () => {
        await h.close();
        await database.drop();
      },
    };
  });
}
