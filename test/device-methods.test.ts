// Every request method a client can send gets an answer in the device error format and a traffic
// record, over real sockets: the methods Fastify routes, the ones Node parses but Fastify does not
// route by default, CONNECT (Node's 'connect' event), Upgrade requests, and methods Node's parser
// refuses outright (a clientError).

import assert from 'node:assert/strict';
import { METHODS } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { errorCodeOf, sendBytes } from './support/byte-http.js';
import { startListeningDeviceApp, type ListeningDeviceApp } from './support/listening-device-app.js';
import { openRawConnection } from './support/raw-connection.js';

const METHOD_NOT_ALLOWED = '{"push":false,"pull":false,"error":"ERR_METHOD_NOT_ALLOWED"}';
/** What Fastify 5 routes without being told: everything else in http.METHODS used to be 404 on every path. */
const FASTIFY_DEFAULT_METHODS = ['GET', 'HEAD', 'TRACE', 'DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST', 'QUERY'];
const PARSED_NOT_ROUTED = METHODS.filter((method) => method !== 'CONNECT' && !FASTIFY_DEFAULT_METHODS.includes(method));

async function trafficOf(server: ListeningDeviceApp, method: string): Promise<Array<{ url: string; status: number; response: string; deviceId: string | null; errorCode: string | null }>> {
  await server.settle();
  const entries = await server.services.store.listTraffic({ limit: 1000 });
  return entries.filter((entry) => entry.method === method);
}

describe('over plain HTTP', () => {
  let server: ListeningDeviceApp;
  before(async () => {
    server = await startListeningDeviceApp({ isTls: false, flags: { 'max-query-bytes': '1024' } });
  });
  after(async () => server.close());

  test('CONNECT gets 405 ERR_METHOD_NOT_ALLOWED in the device format, the connection is closed, and it is recorded', async () => {
    const connection = await openRawConnection({ port: server.port });
    connection.send('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: probe\r\n\r\n');
    const response = await connection.readResponse();
    assert.equal(response.statusLine, 'HTTP/1.1 405 Method Not Allowed');
    assert.match(response.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(response.headers['connection'], 'close');
    assert.equal(response.body, METHOD_NOT_ALLOWED);
    await connection.closed;
    const [entry, ...others] = await trafficOf(server, 'CONNECT');
    assert.equal(others.length, 0);
    assert.deepEqual(
      { deviceId: entry?.deviceId, url: entry?.url, status: entry?.status, response: entry?.response, errorCode: entry?.errorCode },
      { deviceId: null, url: 'example.com:443', status: 405, response: METHOD_NOT_ALLOWED, errorCode: 'ERR_METHOD_NOT_ALLOWED' },
    );
  });

  test(`each method Node parses but Fastify does not route by default (${PARSED_NOT_ROUTED.length} of them) gets 405 with Allow on /push and 404 on an unknown path, recorded`, async () => {
    assert.ok(PARSED_NOT_ROUTED.length >= 20, PARSED_NOT_ROUTED.join(' '));
    for (const method of PARSED_NOT_ROUTED) {
      const onPush = await sendBytes(server.url, '/push', { method });
      assert.equal(onPush.status, 405, method);
      assert.equal(onPush.headers['allow'], 'POST', method);
      assert.equal(onPush.body.toString(), METHOD_NOT_ALLOWED, method);
      const elsewhere = await sendBytes(server.url, '/no-such-path', { method });
      assert.equal(elsewhere.status, 404, method);
      assert.equal(errorCodeOf(elsewhere), 'ERR_ROUTE_NOT_FOUND', method);
    }
    for (const method of PARSED_NOT_ROUTED) {
      const recorded = await trafficOf(server, method);
      assert.deepEqual(recorded.map((entry) => [entry.url, entry.status]).sort(), [['/no-such-path', 404], ['/push', 405]], method);
    }
  });

  test('a method Fastify routes but /push does not serve still gets 405 with Allow', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
      const response = await sendBytes(server.url, '/push', { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers['allow'], 'POST', method);
      assert.equal(response.body.toString(), METHOD_NOT_ALLOWED, method);
    }
  });

  test('a request asking for an Upgrade (websocket, h2c) is answered as an ordinary request and its connection stays usable', async () => {
    const connection = await openRawConnection({ port: server.port });
    connection.send('GET /time HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    const upgraded = await connection.readResponse();
    assert.equal(upgraded.statusLine, 'HTTP/1.1 200 OK');
    assert.match(upgraded.body, /"utc":"/);
    connection.send('POST /push HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: 0\r\n\r\n');
    const h2c = await connection.readResponse();
    assert.equal(h2c.statusLine, 'HTTP/1.1 400 Bad Request');
    assert.equal(h2c.body, '{"push":false,"pull":false,"error":"ERR_REQUEST_MISSING_REQ"}');
    connection.send('GET /pull HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await connection.readResponse()).body, '{"pull":false}');
    connection.destroy();
    assert.equal((await trafficOf(server, 'GET')).filter((entry) => entry.url === '/time').length, 1);
    assert.equal((await trafficOf(server, 'POST')).filter((entry) => entry.url === '/push').length, 1);
  });

  test('a method Node\'s parser refuses (FOO, lower-case get, RTSP\'s DESCRIBE) gets 405 in the device format, not Fastify\'s JSON, and is recorded as sent', async () => {
    for (const method of ['FOO', 'get', 'DESCRIBE']) {
      const connection = await openRawConnection({ port: server.port });
      connection.send(`${method} /push?x=1 HTTP/1.1\r\nHost: x\r\n\r\n`);
      const response = await connection.readResponse();
      assert.equal(response.statusLine, 'HTTP/1.1 405 Method Not Allowed', method);
      assert.equal(response.body, METHOD_NOT_ALLOWED, method);
      await connection.closed;
      const recorded = await trafficOf(server, method);
      assert.deepEqual(recorded.map((entry) => [entry.url, entry.status, entry.response, entry.deviceId]), [['/push?x=1', 405, METHOD_NOT_ALLOWED, null]], method);
    }
  });

  test('bad HTTP framing gets 400 ERR_REQUEST_INVALID in the device format, and headers past the parser limit get 413 ERR_REQUEST_TOO_LARGE', async () => {
    const framing = await openRawConnection({ port: server.port });
    framing.send('POST /push HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab');
    const badFraming = await framing.readResponse();
    assert.equal(badFraming.statusLine, 'HTTP/1.1 400 Bad Request');
    assert.equal(badFraming.body, '{"push":false,"pull":false,"error":"ERR_REQUEST_INVALID"}');
    await framing.closed;

    // --max-query-bytes 1024: the parser takes headers up to 1024 + 16384 bytes.
    const huge = await openRawConnection({ port: server.port });
    huge.send(`GET /time HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    const tooLarge = await huge.readResponse();
    assert.equal(tooLarge.statusLine, 'HTTP/1.1 413 Payload Too Large');
    assert.equal(tooLarge.body, '{"push":false,"pull":false,"error":"ERR_REQUEST_TOO_LARGE"}');
    await huge.closed;
  });
});

describe('over HTTPS', () => {
  let server: ListeningDeviceApp;
  before(async () => {
    server = await startListeningDeviceApp({ isTls: true });
  });
  after(async () => server.close());

  test('CONNECT inside a TLS connection gets the same 405 and record', async () => {
    const connection = await openRawConnection({ port: server.port, tlsCa: server.ca ?? '' });
    connection.send('CONNECT 10.0.0.1:22 HTTP/1.1\r\nHost: 10.0.0.1:22\r\n\r\n');
    const response = await connection.readResponse();
    assert.equal(response.statusLine, 'HTTP/1.1 405 Method Not Allowed');
    assert.equal(response.body, METHOD_NOT_ALLOWED);
    await connection.closed;
    const recorded = await trafficOf(server, 'CONNECT');
    assert.deepEqual(recorded.map((entry) => [entry.url, entry.status, entry.response]), [['10.0.0.1:22', 405, METHOD_NOT_ALLOWED]]);
  });

  test('FOO inside a TLS connection gets 405 in the device format', async () => {
    const connection = await openRawConnection({ port: server.port, tlsCa: server.ca ?? '' });
    connection.send('FOO / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await connection.readResponse()).body, METHOD_NOT_ALLOWED);
    await connection.closed;
  });
});
