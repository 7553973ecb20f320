// --max-connections-per-address over real TLS sockets: the connection over the cap is closed before
// any TLS work, the others from that address keep working, a closed one frees its slot, other
// addresses and --trusted-proxies are unaffected, and the refusal is logged naming address and flag.
// (127.0.0.2 is a second client address: Linux routes all of 127.0.0.0/8 to the loopback.)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCliProcess } from './support/server-process.js';
import { startListeningDeviceApp, type ListeningDeviceApp } from './support/listening-device-app.js';
import { openRawConnection, type RawConnection } from './support/raw-connection.js';

const CAP = 3;

async function openServed(server: ListeningDeviceApp, localAddress: string): Promise<RawConnection> {
  const connection = await openRawConnection({ port: server.port, tlsCa: server.ca ?? '', localAddress });
  await assertServed(connection);
  return connection;
}

async function assertServed(connection: RawConnection): Promise<void> {
  connection.send('GET /pull HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal((await connection.readResponse()).body, '{"pull":false}');
}

/** Waits (event-loop turns, bounded) until the server has counted the close of a connection. */
async function untilOpenCount(server: ListeningDeviceApp, address: string, count: number): Promise<void> {
  for (let turn = 0; turn < 400 && server.deviceApp.openConnectionCount(address) !== count; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(server.deviceApp.openConnectionCount(address), count);
}

describe(`with --max-connections-per-address ${CAP}`, () => {
  let server: ListeningDeviceApp;
  before(async () => {
    server = await startListeningDeviceApp({ isTls: true, flags: { 'max-connections-per-address': String(CAP), 'trusted-proxies': '127.0.0.3' } });
  });
  after(async () => server.close());

  test('the connection over the cap is closed at once with no TLS answer, while the others from that address keep working', async () => {
    const open = [await openServed(server, '127.0.0.1'), await openServed(server, '127.0.0.1'), await openServed(server, '127.0.0.1')];
    assert.equal(server.deviceApp.openConnectionCount('127.0.0.1'), CAP);

    // A plain TCP connection sending a TLS hello: closed without one byte back (no ServerHello, no handshake).
    const refused = await openRawConnection({ port: server.port, localAddress: '127.0.0.1' });
    refused.send(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00]));
    assert.equal((await refused.closed).received, '');
    // A real TLS client fails before its handshake completes.
    await assert.rejects(openRawConnection({ port: server.port, tlsCa: server.ca ?? '', localAddress: '127.0.0.1' }));
    assert.equal(server.deviceApp.refusedConnectionCount(), 2);

    for (const connection of open) await assertServed(connection);
    for (const connection of open) connection.destroy();
    await untilOpenCount(server, '127.0.0.1', 0);
  });

  test('a closed connection frees its slot for the next one from the same address', async () => {
    const open = [await openServed(server, '127.0.0.1'), await openServed(server, '127.0.0.1'), await openServed(server, '127.0.0.1')];
    await assert.rejects(openRawConnection({ port: server.port, tlsCa: server.ca ?? '', localAddress: '127.0.0.1' }));
    open[0]?.destroy();
    await untilOpenCount(server, '127.0.0.1', CAP - 1);
    const next = await openServed(server, '127.0.0.1');
    for (const connection of [...open.slice(1), next]) connection.destroy();
    await untilOpenCount(server, '127.0.0.1', 0);
  });

  test('another address has its own allowance while one address is at the cap', async () => {
    const full = [await openServed(server, '127.0.0.1'), await openServed(server, '127.0.0.1'), await openServed(server, '127.0.0.1')];
    const other = await openServed(server, '127.0.0.2');
    for (const connection of [...full, other]) connection.destroy();
    await untilOpenCount(server, '127.0.0.1', 0);
  });

  test('a trusted proxy address is not capped', async () => {
    const proxied = [];
    for (let i = 0; i < CAP * 3; i++) proxied.push(await openServed(server, '127.0.0.3'));
    for (const connection of proxied) await assertServed(connection);
    assert.equal(server.deviceApp.openConnectionCount('127.0.0.3'), 0);
    for (const connection of proxied) connection.destroy();
  });

  test('the refusal is logged as a warning naming the address and the flag', () => {
    const warnings = server.logLines.map((line) => JSON.parse(line) as { level: number; msg: string; address?: string }).filter((entry) => entry.level === 40);
    const refusals = warnings.filter((entry) => entry.address === '127.0.0.1');
    // Three refusals from 127.0.0.1 within the same minute: one line.
    assert.equal(refusals.length, 1, JSON.stringify(warnings));
    assert.match(refusals[0]?.msg ?? '', /127\.0\.0\.1.*--max-connections-per-address/);
  });
});

test('opentps serve refuses a bad connection cap or handshake timeout with ERR_CONFIG_INVALID before listening', async () => {
  const run = await runCliProcess(['serve', '--data', '/nonexistent-opentps-dir', '--max-connections-per-address', '0', '--tls-handshake-timeout-ms', '50']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /ERR_CONFIG_INVALID/);
  assert.match(run.stderr, /--max-connections-per-address: expected an integer from 1 to 1000000, received "0"/);
  assert.match(run.stderr, /--tls-handshake-timeout-ms: expected an integer from 100 to 120000, received "50"/);
});
