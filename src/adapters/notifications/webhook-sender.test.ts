import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { ChannelRecord, OutboxRecord } from '../../domain/alerts/alert-store.js';
import { failureOf } from '../../domain/alerts/notification-dispatcher.js';
import { isOpenTpsError } from '../../errors.js';
import { newWebhookSecret } from './webhook-signature.js';
import { createWebhookSender } from './webhook-sender.js';

const NOW_MS = Date.UTC(2026, 11, 2, 8, 0, 0);

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function webhookChannel(url: string, secret: string | null): ChannelRecord {
  return {
    id: 1,
    name: 'ops hook',
    target: { kind: 'webhook', url },
    secret,
    isEnabled: true,
    minSeverity: 'warning',
    createdAtMs: NOW_MS,
    lastSuccessAtMs: null,
    lastFailureAtMs: null,
    lastFailure: null,
  };
}

const entry: OutboxRecord = {
  id: 42,
  channelId: 1,
  ruleId: 7,
  messageId: 'msg_2Lq8cR1',
  payload: { type: 'alert.firing', rule: { id: 7, name: 'Fryer <hot>', severity: 'critical', version: 1 }, alerts: [] },
  state: 'queued',
  createdAtMs: NOW_MS,
  attempts: 0,
  nextAttemptAtMs: NOW_MS,
  lastAttemptAtMs: null,
  lastError: null,
  deliveredAtMs: null,
};

/** The reason a send failed with, or null when it was delivered. */
async function failureReason(send: Promise<void>): Promise<string | null> {
  try {
    await send;
    return null;
  } catch (error) {
    return failureOf(error).reason;
  }
}

describe('webhook sender', () => {
  const secret = newWebhookSecret();
  const received: Received[] = [];
  let server: Server;
  let baseUrl = '';

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (path === '/ok') response.writeHead(204).end();
        else if (path === '/fail') response.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
        else if (path === '/moved') response.writeHead(302, { location: '/ok' }).end();
        // '/slow' never answers: the sender's timeout ends it.
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('posts the payload as JSON with Standard Webhooks headers that verify with the channel secret', async () => {
    const send = createWebhookSender({ clock: { nowMs: () => NOW_MS } });
    await send(webhookChannel(`${baseUrl}/ok`, secret), entry);
    const request = received.find((item) => item.path === '/ok');
    assert.ok(request !== undefined);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['webhook-id'], 'msg_2Lq8cR1');
    assert.equal(request.headers['webhook-timestamp'], String(NOW_MS / 1000));
    assert.match(String(request.headers['webhook-signature']), /^v1,[A-Za-z0-9+/=]+$/);
    assert.deepEqual(JSON.parse(request.body), entry.payload);
    // The receiver's side: the spec's library checks signature and timestamp (against its own clock, so a
    // verifier dated at our fixed time is not available; sign "now" for that check).
    const live = createWebhookSender({ clock: { nowMs: () => Date.now() } });
    await live(webhookChannel(`${baseUrl}/ok`, secret), entry);
    const liveRequest = received.filter((item) => item.path === '/ok').at(-1);
    assert.ok(liveRequest !== undefined);
    const headers = {
      'webhook-id': String(liveRequest.headers['webhook-id']),
      'webhook-timestamp': String(liveRequest.headers['webhook-timestamp']),
      'webhook-signature': String(liveRequest.headers['webhook-signature']),
    };
    assert.deepEqual(new Webhook(secret).verify(liveRequest.body, headers), entry.payload);
    assert.throws(() => new Webhook(newWebhookSecret()).verify(liveRequest.body, headers));
  });

  it('fails with the status when the receiver answers 500', async () => {
    const send = createWebhookSender({ clock: { nowMs: () => NOW_MS } });
    assert.equal(await failureReason(send(webhookChannel(`${baseUrl}/fail`, secret), entry)), 'HTTP 500');
  });

  it('does not follow a redirect: it fails, and the redirect target gets nothing', async () => {
    const send = createWebhookSender({ clock: { nowMs: () => NOW_MS } });
    const okBefore = received.filter((item) => item.path === '/ok').length;
    assert.equal(await failureReason(send(webhookChannel(`${baseUrl}/moved`, secret), entry)), 'HTTP 302 redirect not followed');
    assert.equal(received.filter((item) => item.path === '/ok').length, okBefore);
  });

  it('fails with a timeout when the receiver does not answer in time', async () => {
    const send = createWebhookSender({ clock: { nowMs: () => NOW_MS }, timeoutMs: 300 });
    assert.equal(await failureReason(send(webhookChannel(`${baseUrl}/slow`, secret), entry)), 'timeout after 300 ms');
    assert.ok(received.some((item) => item.path === '/slow'));
  });

  it('fails with ECONNREFUSED when nothing listens on the port', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const send = createWebhookSender({ clock: { nowMs: () => NOW_MS } });
    assert.equal(await failureReason(send(webhookChannel(`http://127.0.0.1:${port}/ok`, secret), entry)), 'ECONNREFUSED');
  });

  it('checks the URL again before sending, and gives up on one that is not allowed or a channel with no secret', async () => {
    const send = createWebhookSender({ clock: { nowMs: () => NOW_MS } });
    await assert.rejects(send(webhookChannel('http://hooks.example/alerts', secret), entry), (error: unknown) => isOpenTpsError(error, 'ERR_CHANNEL_INVALID'));
    const noSecret = send(webhookChannel(`${baseUrl}/ok`, null), entry).catch((error: unknown) => failureOf(error));
    assert.deepEqual(await noSecret, { reason: 'the webhook channel has no signing secret', isPermanent: true });
  });
});
