// A TLS handshake that never completes holds its socket only --tls-handshake-timeout-ms (Node's own
// default would be 120 s), also after the certificate is swapped while running, while other clients
// are served as usual.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requestOverTls } from './support/tls-client.js';
import { newTlsIdentity, startListeningDeviceApp, type ListeningDeviceApp } from './support/listening-device-app.js';
import { openRawConnection } from './support/raw-connection.js';
import { startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const TIMEOUT_MS = 300;
/** Far below both our default (10 s) and Node's (120 s), with room for a loaded machine. */
const CUT_WELL_BEFORE_MS = 5_000;

/** Opens a TCP connection to the TLS port and sends `bytes` (nothing by default); resolves when the server closes it. */
async function silentClientLifetimeMs(port: number, bytes?: Buffer): Promise<{ lifetimeMs: number; received: string }> {
  const connection = await openRawConnection({ port });
  const openedAtMs = Date.now();
  if (bytes !== undefined) connection.send(bytes);
  const { received, atMs } = await connection.closed;
  return { lifetimeMs: atMs - openedAtMs, received };
}

describe('with --tls-handshake-timeout-ms 300', () => {
  let server: ListeningDeviceApp;
  before(async () => {
    server = await startListeningDeviceApp({ isTls: true, flags: { 'tls-handshake-timeout-ms': String(TIMEOUT_MS) } });
  });
  after(async () => server.close());

  test('a client that connects and sends nothing is closed after the timeout, while a normal client is served', async () => {
    const silent = silentClientLifetimeMs(server.port);
    const served = await requestOverTls(server.url, '/pull', { ca: server.ca ?? '' });
    assert.equal(served.status, 200);
    assert.equal(served.body, '{"pull":false}');
    const { lifetimeMs, received } = await silent;
    assert.ok(lifetimeMs >= TIMEOUT_MS - 50, `closed after ${lifetimeMs} ms`);
    assert.ok(lifetimeMs < CUT_WELL_BEFORE_MS, `closed after ${lifetimeMs} ms`);
    assert.equal(received, '');
  });

  test('a client that stops half-way through its hello is closed after the timeout too', async () => {
    // A TLS record header announcing a 512-byte handshake message, then silence.
    const { lifetimeMs } = await silentClientLifetimeMs(server.port, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    assert.ok(lifetimeMs >= TIMEOUT_MS - 50 && lifetimeMs < CUT_WELL_BEFORE_MS, `closed after ${lifetimeMs} ms`);
  });

  test('a connection whose handshake finished is not cut by the handshake timeout', async () => {
    const connection = await openRawConnection({ port: server.port, tlsCa: server.ca ?? '' });
    // Idle for twice the handshake timeout (the keep-alive timeout is 120 s), then still served.
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 2));
    connection.send('GET /pull HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await connection.readResponse()).body, '{"pull":false}');
    connection.destroy();
  });

  test('after the certificate is reloaded (updateTlsContext) the timeout still applies and clients get the new certificate', async () => {
    const next = await newTlsIdentity();
    server.deviceApp.updateTlsContext({ certPem: next.certPem, keyPem: next.keyPem, clientCaPem: null });
    const silent = silentClientLifetimeMs(server.port);
    const served = await requestOverTls(server.url, '/pull', { ca: next.certPem });
    assert.equal(served.status, 200);
    const { lifetimeMs } = await silent;
    assert.ok(lifetimeMs >= TIMEOUT_MS - 50 && lifetimeMs < CUT_WELL_BEFORE_MS, `closed after ${lifetimeMs} ms`);
  });
});

test('the opentps serve process takes --tls-handshake-timeout-ms', async () => {
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, ['--tls-handshake-timeout-ms', String(TIMEOUT_MS)]);
  try {
    const port = Number(new URL(server.url).port);
    const { lifetimeMs } = await silentClientLifetimeMs(port);
    assert.ok(lifetimeMs >= TIMEOUT_MS - 50 && lifetimeMs < CUT_WELL_BEFORE_MS, `closed after ${lifetimeMs} ms`);
    assert.equal((await requestOverTls(server.url, '/pull', { ca: server.ca ?? '' })).body, '{"pull":false}');
  } finally {
    await server.stop();
    dir.remove();
  }
});
