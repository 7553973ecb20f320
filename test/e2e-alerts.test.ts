// Alerts end to end on the real server (issue 16): a fryer's heartbeat past a rule's bound (decoded with its
// dictionary) opens a firing alert; the notification reaches a real webhook receiver signed per Standard
// Webhooks and a real SMTP server as an e-mail linking to the device page; the value coming back resolves the
// alert and says so; a receiver answering 500 and an SMTP server refusing the recipient are visible as
// channel failures, retried, and no alert is lost.

import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { sendBytes } from './support/byte-http.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess, type ServerProcess } from './support/server-process.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const CWM = 'cwm-alerts-e2e';
const FRYER = 'e0f1000000000042';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let dir: TempDataDir;
let server: ServerProcess;
let token: string;
let deviceKey: string;
let receiver: Server;
let receiverUrl: string;
let failingUrl: string;
const received: Received[] = [];
let failingCalls = 0;
let smtp: SMTPServer;
let smtpPort: number;
const mails: ParsedMail[] = [];
let okmId = 0;

/** The members these tests read of the API's answers (each answer is checked by the routes' own schemas). */
interface Answer {
  readonly id: number;
  readonly secret?: string;
  readonly error?: string;
  readonly message: string;
  readonly total: number;
  readonly state: string;
  readonly clearValue: unknown;
  readonly lastFailure: string | null;
  readonly items: ReadonlyArray<{ readonly id: number; readonly name: string; readonly state: string; readonly lastError: string | null; readonly subjectId: string; readonly cwmId: string; readonly triggerValue: unknown; readonly lastFailure: string | null }>;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Answer }> {
  const response = await sendBytes(server.url, `/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
  });
  const text = response.body.toString();
  return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as Answer };
}

async function pushOil(rawTenths: number): Promise<void> {
  const okm = buildUpstreamOkm({ cwmId: CWM, okeId: FRYER, id: ++okmId, payload: { _hbt: { oil_temp: rawTenths, set_temp: 1800 } } });
  const device = createDeviceHttpClient(server.url, null);
  const answer = await device.send('POST', signedPath('/push', pushReqText(okm), deviceKey));
  assert.equal(answer.status, 200, answer.body);
}

/** Polls `read` until `isDone` holds (the jobs run every few seconds), failing after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T> | T, isDone: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

before(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/failing') {
        failingCalls++;
        response.writeHead(500).end('receiver down');
        return;
      }
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  receiverUrl = `http://127.0.0.1:${port}/hook`;
  failingUrl = `http://127.0.0.1:${port}/failing`;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@refused.example')) callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  dir = createTempDataDir();
  server = await startServerProcess(dir.path, ['--http', '--alert-group-wait', '0', '--public-url', 'https://tps.example.test/'], { OPENTPS_ADMIN_PASSWORD: 'alerts e2e password' });
  token = (await runCliProcess(['token', 'create', 'admin', '--data', dir.path])).stdout.trim();
  deviceKey = (await runCliProcess(['device', 'add', CWM, '--data', dir.path])).stdout.trim();
});

after(async () => {
  await server.stop();
  dir.remove();
  await new Promise((resolve) => receiver.close(resolve));
  await new Promise((resolve) => smtp.close(() => resolve(undefined)));
});

test('a fryer too hot: one firing alert, a signed webhook and an e-mail with the device link; back in range: resolved and told', async () => {
  const hook = await api('POST', '/notification-channels', { kind: 'webhook', name: 'Ops hook', url: receiverUrl });
  assert.equal(hook.status, 201, JSON.stringify(hook.json));
  assert.match(hook.json.secret ?? '', /^whsec_/);
  const mail = await api('POST', '/notification-channels', { kind: 'email', name: 'Ops mail', to: ['ops@kitchen.example'], from: 'opentps@kitchen.example', smtpHost: '127.0.0.1', smtpPort, smtpSecure: false });
  assert.equal(mail.status, 201, JSON.stringify(mail.json));
  assert.equal((await api('GET', `/notification-channels/${hook.json.id}`)).json.secret, undefined, 'the secret is shown once');
  const rule = await api('POST', '/alert-rules', {
    name: 'Fryer oil too hot', severity: 'critical', scope: { kind: 'model', modelId: 'e0f1' },
    condition: { kind: 'threshold', field: 'oil_temp', operator: 'above', high: 200, hysteresis: 5 }, channelIds: [hook.json.id, mail.json.id],
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));

  await pushOil(1800);
  await pushOil(2104);
  await pushOil(2110);
  const firing = await eventually(() => api('GET', `/alerts?state=firing&ruleId=${rule.json.id}`), (answer) => answer.json.total === 1, 'the firing alert');
  const alert = firing.json.items[0];
  assert.ok(alert);
  assert.equal(alert.subjectId, FRYER);
  assert.equal(alert.cwmId, CWM);
  assert.equal(alert.triggerValue, 210.4, 'the decoded value (raw tenths x 0.1) fired it');

  const delivery = await eventually(() => received.filter((item) => JSON.parse(item.body).type === 'alert.firing'), (items) => items.length >= 1, 'the firing webhook');
  const first = delivery[0];
  assert.ok(first);
  const verified = new Webhook(hook.json.secret ?? '').verify(first.body, {
    'webhook-id': String(first.headers['webhook-id']), 'webhook-timestamp': String(first.headers['webhook-timestamp']), 'webhook-signature': String(first.headers['webhook-signature']),
  }) as { rule: { name: string }; alerts: Array<{ subjectId: string; deviceUrl: string; triggerValue: number }> };
  assert.equal(verified.rule.name, 'Fryer oil too hot');
  assert.deepEqual(verified.alerts.map((item) => [item.subjectId, item.triggerValue, item.deviceUrl]), [[FRYER, 210.4, `https://tps.example.test/console/#/devices/${CWM}`]]);
  const email = await eventually(() => mails, (items) => items.length >= 1, 'the firing e-mail');
  assert.match(email[0]?.subject ?? '', /\[OpenTPS critical\] FIRING: Fryer oil too hot/);
  assert.match(email[0]?.text ?? '', new RegExp(`https://tps.example.test/console/#/devices/${CWM}`));
  assert.match(String(email[0]?.html), /<a href="https:\/\/tps.example.test\/console\/#\/devices\/cwm-alerts-e2e">/);

  await pushOil(1980);
  assert.equal((await api('GET', `/alerts/${alert.id}`)).json.state, 'firing', '198 is not below the bound by the hysteresis');
  await pushOil(1900);
  const resolved = await eventually(() => api('GET', `/alerts/${alert.id}`), (answer) => answer.json.state === 'resolved', 'the resolved alert');
  assert.equal(resolved.json.clearValue, 190);
  await eventually(() => received.filter((item) => JSON.parse(item.body).type === 'alert.resolved'), (items) => items.length === 1, 'the resolution webhook');
  assert.equal(received.filter((item) => JSON.parse(item.body).type === 'alert.firing').length, 1, 'told of the firing once');
  assert.equal((await api('GET', `/alerts?state=resolved,firing,pending&ruleId=${rule.json.id}`)).json.total, 1, 'one alert for the episode');
});

test('a receiver answering 500 and an SMTP server refusing the recipient: failures visible on the channels, retried, alert kept', async () => {
  const hook = await api('POST', '/notification-channels', { kind: 'webhook', name: 'Broken hook', url: failingUrl });
  const mail = await api('POST', '/notification-channels', { kind: 'email', name: 'Refused mail', to: ['nobody@refused.example'], from: 'opentps@kitchen.example', smtpHost: '127.0.0.1', smtpPort, smtpSecure: false });
  const rule = await api('POST', '/alert-rules', {
    name: 'Fryer cold', severity: 'major', scope: { kind: 'devices', deviceIds: [FRYER] },
    condition: { kind: 'threshold', field: 'oil_temp', operator: 'below', low: 50 }, channelIds: [hook.json.id, mail.json.id],
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  await pushOil(200);
  await eventually(() => api('GET', `/notification-channels/${hook.json.id}/notifications`), (answer) => answer.json.items.some((item) => item.lastError === 'HTTP 500'), 'the webhook failure');
  const mailFailure = await eventually(() => api('GET', `/notification-channels/${mail.json.id}/notifications`), (answer) => answer.json.items.some((item) => /550/.test(item.lastError ?? '')), 'the SMTP refusal');
  const queued = mailFailure.json.items[0];
  assert.equal(queued?.state, 'queued', 'a refused notification is retried later, not dropped');
  assert.ok(failingCalls >= 1);
  const channels = await api('GET', '/notification-channels');
  const broken = channels.json.items.find((channel) => channel.id === hook.json.id);
  assert.equal(broken?.lastFailure, 'HTTP 500');
  assert.equal((await api('GET', `/alerts?state=firing&ruleId=${rule.json.id}`)).json.total, 1, 'the alert stands whatever its notifications do');
});

test('bad input on save: an unknown field of the model, a non-number threshold, an http URL to another host, each refused with nothing stored', async () => {
  const before = (await api('GET', '/alert-rules')).json.items.length;
  const unknownField = await api('POST', '/alert-rules', { name: 'x', severity: 'minor', scope: { kind: 'model', modelId: 'e0f1' }, condition: { kind: 'threshold', field: 'no_such_field', operator: 'above', high: 1 } });
  assert.deepEqual([unknownField.status, unknownField.json.error], [400, 'ERR_ALERT_RULE_INVALID']);
  assert.match(unknownField.json.message, /condition\.field/);
  const notNumber = await api('POST', '/alert-rules', { name: 'x', severity: 'minor', scope: { kind: 'all' }, condition: { kind: 'threshold', field: 'oil_temp', operator: 'above', high: 'hot' } });
  assert.deepEqual([notNumber.status, notNumber.json.error], [400, 'ERR_ALERT_RULE_INVALID']);
  const plainHttp = await api('POST', '/notification-channels', { kind: 'webhook', name: 'Plain', url: 'http://hooks.example.com/x' });
  assert.deepEqual([plainHttp.status, plainHttp.json.error], [400, 'ERR_CHANNEL_INVALID']);
  assert.equal((await api('GET', '/alert-rules')).json.items.length, before);
  assert.ok(!(await api('GET', '/notification-channels')).json.items.some((channel) => channel.name === 'Plain'));
});

test('each alert change is a live event: a console sees the alert open and its acknowledgement at once', async () => {
  const seen: Array<{ type: string; data: { id?: number; state?: string; acknowledgedBy?: string | null } }> = [];
  const stream = httpRequest(new URL('/api/v1/events', server.url), { headers: { authorization: `Bearer ${token}` } });
  let buffer = '';
  stream.on('response', (response) => {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type === 'alert' && data !== undefined) seen.push({ type, data: JSON.parse(data) as { id?: number; state?: string } });
      }
    });
  });
  stream.on('error', () => undefined);
  stream.end();
  try {
    const rule = await api('POST', '/alert-rules', { name: 'Fryer very cold', severity: 'minor', scope: { kind: 'all' }, condition: { kind: 'threshold', field: 'oil_temp', operator: 'below', low: 10 } });
    assert.equal(rule.status, 201);
    await pushOil(50);
    const opened = await eventually(() => seen.filter((event) => event.data.state === 'firing'), (events) => events.length >= 1, 'the live event of the firing alert');
    const alertId = opened[0]?.data.id ?? 0;
    const acknowledged = await api('POST', `/alerts/${alertId}/acknowledge`, { note: 'on it' });
    assert.equal(acknowledged.status, 200);
    await eventually(() => seen.filter((event) => event.data.id === alertId && event.data.acknowledgedBy === 'admin'), (events) => events.length === 1, 'the live event of the acknowledgement');
  } finally {
    stream.destroy();
  }
});
