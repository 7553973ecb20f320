import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AlertRecord, AlertRuleRecord, ChannelRecord, OutboxRecord } from '../../domain/alerts/alert-store.js';
import { failureOf } from '../../domain/alerts/notification-dispatcher.js';
import { buildNotificationPayload } from '../../domain/alerts/notification-message.js';
import { createEmailSender } from './email-sender.js';

const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);

const rule: AlertRuleRecord = {
  id: 7,
  version: 2,
  name: 'Walk-in freezer warm',
  severity: 'major',
  scope: { kind: 'all' },
  condition: { kind: 'threshold', field: 'temp', operator: 'above', high: -15 },
  isEnabled: true,
  channelIds: [3],
  createdAtMs: T0,
  updatedAtMs: T0,
};

const alert: AlertRecord = {
  id: 11,
  ruleId: 7,
  ruleVersion: 2,
  ruleName: rule.name,
  severity: 'major',
  subjectId: 'freezer-1',
  cwmId: 'CWM-0042',
  siteId: 3,
  state: 'firing',
  openedAtMs: T0 - 600_000,
  firedAtMs: T0 - 300_000,
  resolvedAtMs: null,
  triggerValue: -9.5,
  clearValue: null,
  summary: 'temp -9.5 above -15 <script>alert(1)</script>',
  acknowledgedAtMs: null,
  acknowledgedBy: null,
  acknowledgementNote: null,
  notifiedAtMs: null,
  changeSeq: 1,
};

const payload = buildNotificationPayload({
  group: { ruleId: 7, alerts: [{ alertId: 11, ruleId: 7, deviceId: 'freezer-1', siteId: 3, state: 'firing', changedAtMs: T0 - 300_000, notifiedAtMs: null }] },
  alerts: [alert],
  rule,
  serverUrl: 'https://tps.example:8443/',
  atMs: T0,
});
const DEVICE_LINK = 'https://tps.example:8443/console/#/devices/CWM-0042';

const entry: OutboxRecord = {
  id: 5,
  channelId: 3,
  ruleId: 7,
  messageId: 'msg_5xY',
  payload,
  state: 'queued',
  createdAtMs: T0,
  attempts: 0,
  nextAttemptAtMs: T0,
  lastAttemptAtMs: null,
  lastError: null,
  deliveredAtMs: null,
};

function emailChannel(port: number, to: readonly string[], user: string | null = null): ChannelRecord {
  return {
    id: 3,
    name: 'kitchen managers',
    target: { kind: 'email', to, from: 'OpenTPS <tps@example.com>', smtpHost: '127.0.0.1', smtpPort: port, smtpSecure: false, smtpUser: user, smtpPassword: user === null ? null : 'secret' },
    secret: null,
    isEnabled: true,
    minSeverity: 'warning',
    createdAtMs: T0,
    lastSuccessAtMs: null,
    lastFailureAtMs: null,
    lastFailure: null,
  };
}

async function failureReason(send: Promise<void>): Promise<string | null> {
  try {
    await send;
    return null;
  } catch (error) {
    return failureOf(error).reason;
  }
}

function portOf(address: string | AddressInfo | null): number {
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

describe('e-mail sender', () => {
  const messages: Array<{ mail: ParsedMail; recipients: string[]; user: string | null }> = [];
  let server: SMTPServer;
  let port = 0;

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'tps' && auth.password === 'secret') callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) callback(Object.assign(new Error('5.1.1 no such mailbox here'), { responseCode: 550 }));
        else callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream).then(
          (mail) => {
            const user = typeof session.user === 'string' ? session.user : null;
            messages.push({ mail, recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address), user });
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    port = portOf(server.server.address());
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the notification as text and HTML, with the device link, escaped values and a stable Message-ID', async () => {
    const send = createEmailSender();
    await send(emailChannel(port, ['chef@example.com', 'ops@example.com']), entry);
    const received = messages.at(-1);
    assert.ok(received !== undefined);
    assert.deepEqual(received.recipients, ['chef@example.com', 'ops@example.com']);
    const { mail } = received;
    assert.equal(mail.subject, '[OpenTPS major] FIRING: Walk-in freezer warm (1 firing)');
    assert.deepEqual(mail.from?.value.map((sender) => [sender.name, sender.address]), [['OpenTPS', 'tps@example.com']]);
    assert.equal(mail.messageId, '<msg_5xY@opentps>');
    assert.ok(mail.text?.includes(DEVICE_LINK), mail.text);
    assert.ok(mail.text?.includes('temp -9.5 above -15'), mail.text);
    assert.ok(typeof mail.html === 'string' && mail.html.includes(`<a href="${DEVICE_LINK}">CWM-0042</a>`), String(mail.html));
    assert.ok(typeof mail.html === 'string' && mail.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;') && !mail.html.includes('<script>'));
  });

  it('logs in with the channel user and password when it has them', async () => {
    const send = createEmailSender();
    await send(emailChannel(port, ['chef@example.com'], 'tps'), entry);
    assert.equal(messages.at(-1)?.user, 'tps');
  });

  it('fails with the SMTP reply when the server refuses the recipient', async () => {
    const send = createEmailSender();
    const before = messages.length;
    const reason = await failureReason(send(emailChannel(port, ['nobody@example.com']), entry));
    assert.ok(reason !== null && reason.startsWith('SMTP 550') && reason.includes('no such mailbox'), String(reason));
    assert.equal(messages.length, before);
  });

  it('fails with the SMTP reply when the server refuses the login', async () => {
    const send = createEmailSender();
    const reason = await failureReason(send(emailChannel(port, ['chef@example.com'], 'intruder'), entry));
    assert.ok(reason !== null && reason.startsWith('SMTP 535'), String(reason));
  });

  it('fails with a timeout when the server never greets', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const send = createEmailSender({ timeoutMs: 300 });
      const reason = await failureReason(send(emailChannel(portOf(silent.address()), ['chef@example.com']), entry));
      assert.ok(reason !== null && reason.startsWith('ETIMEDOUT'), String(reason));
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('gives up on an entry whose payload is not a notification', async () => {
    const send = createEmailSender();
    const outcome = await send(emailChannel(port, ['chef@example.com']), { ...entry, payload: { hello: 'world' } }).catch((error: unknown) => failureOf(error));
    assert.deepEqual(outcome, { reason: 'notification 5 does not hold a readable alert payload', isPermanent: true });
  });
});
