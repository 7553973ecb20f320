// The operator side on a real server: the first operator created at first start (password from the
// environment, or generated and shown once on standard error), and live events over SSE.

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { test } from 'node:test';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CWM = '0002000000000aaa';

async function loginOver(url: string, ca: string | null, name: string, password: string): Promise<{ status: number; cookie: string; csrf: string }> {
  const client = createDeviceHttpClient(url, ca);
  try {
    const response = await client.send('POST', '/api/v1/session', { body: JSON.stringify({ name, password }), contentType: 'application/json' });
    const cookie = String(response.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    const csrf = response.status === 200 ? (JSON.parse(response.body) as { csrfToken: string }).csrfToken : '';
    return { status: response.status, cookie, csrf };
  } finally {
    client.close();
  }
}

test('the first start creates admin with OPENTPS_ADMIN_PASSWORD and never prints it', async () => {
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: 'from the environment 1' });
  try {
    assert.equal((await loginOver(server.url, server.ca, 'admin', 'from the environment 1')).status, 200);
    assert.ok(!server.stderr().includes('from the environment 1'));
    assert.ok(!server.logLines.join('\n').includes('from the environment 1'));
  } finally {
    await server.stop();
    dir.remove();
  }
});

test('without a password the first start prints a generated one once, and a restart does not', async () => {
  const dir = createTempDataDir();
  try {
    const first = await startServerProcess(dir.path);
    const password = /with the password (\S+)/.exec(first.stderr())?.[1];
    assert.ok(password, first.stderr());
    assert.ok(!first.logLines.join('\n').includes(password), 'the password is not in the JSON log');
    assert.equal((await loginOver(first.url, first.ca, 'admin', password)).status, 200);
    await first.stop();
    const second = await startServerProcess(dir.path);
    assert.ok(!second.stderr().includes('password'));
    await second.stop();
  } finally {
    dir.remove();
  }
});

test('the live event stream tells the console about pushes and message state changes', async () => {
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: 'event stream test 1' });
  const client = createDeviceHttpClient(server.url, server.ca);
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--data', dir.path])).stdout.trim();
    const session = await loginOver(server.url, server.ca, 'admin', 'event stream test 1');
    const target = new URL(server.url);
    const received: string[] = [];
    const stream = request({ host: target.hostname, port: target.port, path: '/api/v1/events', method: 'GET', ca: server.ca ?? undefined, servername: 'localhost', headers: { cookie: session.cookie } });
    const connected = new Promise<void>((resolve, reject) => {
      stream.on('response', (res) => {
        assert.match(String(res.headers['content-type']), /^text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.push(chunk);
          if (chunk.includes(': connected')) resolve();
        });
      });
      stream.on('error', reject);
    });
    stream.end();
    await connected;
    const sawEvent = (name: string) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (received.join('').includes(`event: ${name}`)) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
    await client.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1, payload: { _hbt: { ti: 41 } } })), key));
    await sawEvent('telemetry');
    const queued = await client.send('POST', `/api/v1/devices/${CWM}/messages`, {
      body: JSON.stringify({ destination: [CWM], cmd: 'rd', payload: { _ping: true } }),
      contentType: 'application/json',
    });
    assert.equal(queued.status, 401, 'the device client has no session: refused');
    const withSession = request({ host: target.hostname, port: target.port, path: `/api/v1/devices/${CWM}/messages`, method: 'POST', ca: server.ca ?? undefined, servername: 'localhost', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' } });
    withSession.end(JSON.stringify({ destination: [CWM], cmd: 'rd', payload: { _ping: true } }));
    await sawEvent('message-state');
    const text = received.join('');
    assert.match(text, /event: device-seen\ndata: \{"deviceId":"0002000000000aaa"/);
    assert.match(text, /event: telemetry\ndata: .*"fields":\{"ti":41\}/);
    assert.match(text, /event: message-state\ndata: .*"state":"queued"/);
    stream.destroy();
  } finally {
    client.close();
    await server.stop();
    dir.remove();
  }
});
