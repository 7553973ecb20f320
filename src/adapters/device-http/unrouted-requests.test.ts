import assert from 'node:assert/strict';
import { METHODS } from 'node:http';
import { test } from 'node:test';
import type { TrafficEntry } from '../../domain/traffic-store.js';
import { createClientErrorAnswer, deviceErrorResponseText, methodsLeftUnrouted, type ClientErrorSocket, type UnroutedRequestDeps } from './unrouted-requests.js';

class FakeSocket implements ClientErrorSocket {
  destroyed = false;
  writable = true;
  written = '';
  constructor(
    readonly bytesWritten = 0,
    readonly remoteAddress = '198.51.100.7',
  ) {}
  write(text: string): boolean {
    this.written += text;
    return true;
  }
  destroy(): this {
    this.destroyed = true;
    this.writable = false;
    return this;
  }
}

function parserError(code: string, rawPacket?: string): Error {
  return Object.assign(new Error(`Parse Error: ${code}`), { code, ...(rawPacket === undefined ? {} : { rawPacket: Buffer.from(rawPacket, 'latin1') }) });
}

function createTestAnswer(overrides: Partial<UnroutedRequestDeps> = {}): { answer: ReturnType<typeof createClientErrorAnswer>; recorded: TrafficEntry[] } {
  const recorded: TrafficEntry[] = [];
  const answer = createClientErrorAnswer({
    clock: { nowMs: () => 5_000 },
    traffic: { record: async (entry) => void recorded.push(entry) },
    logger: { debug: () => undefined },
    reportTrafficFailure: () => undefined,
    isRecordingAffordable: () => true,
    isOperatorPath: (url) => url.startsWith('/api/'),
    ...overrides,
  });
  return { answer, recorded };
}

test('the raw answer is a complete HTTP/1.1 response in the device format that closes the connection', () => {
  const { status, body, text } = deviceErrorResponseText('ERR_METHOD_NOT_ALLOWED');
  assert.equal(status, 405);
  assert.equal(body, '{"push":false,"pull":false,"error":"ERR_METHOD_NOT_ALLOWED"}');
  assert.equal(text, `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
});

test('an unknown method is answered 405 and recorded with the method and URL as sent, no device, no headers', () => {
  const { answer, recorded } = createTestAnswer();
  const socket = new FakeSocket();
  answer(parserError('HPE_INVALID_METHOD', 'FOO /push?req=1 HTTP/1.1\r\nHost: x\r\n\r\n'), socket);
  assert.match(socket.written, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
  assert.ok(socket.destroyed);
  assert.deepEqual(recorded, [
    {
      deviceId: null, claimedDeviceId: null, receivedAtMs: 5_000, remoteAddress: '198.51.100.7', method: 'FOO', url: '/push?req=1', headers: {},
      body: '', status: 405, response: '{"push":false,"pull":false,"error":"ERR_METHOD_NOT_ALLOWED"}', durationMs: 0, signatureVerdict: null,
      crcVerdict: null, errorCode: 'ERR_METHOD_NOT_ALLOWED', clientCertSubject: null, clientCertSerial: null,
    },
  ]);
});

test('a header or request timeout is answered 408 ERR_REQUEST_TIMEOUT, and not recorded when no request line arrived', () => {
  const { answer, recorded } = createTestAnswer();
  const socket = new FakeSocket();
  answer(parserError('ERR_HTTP_REQUEST_TIMEOUT'), socket);
  assert.match(socket.written, /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\{"push":false,"pull":false,"error":"ERR_REQUEST_TIMEOUT"\}$/);
  assert.ok(socket.destroyed);
  assert.deepEqual(recorded, []);
});

test('headers past the parser limit are answered 413 ERR_REQUEST_TOO_LARGE; other parse errors 400 ERR_REQUEST_INVALID', () => {
  const { answer } = createTestAnswer();
  const overflow = new FakeSocket();
  answer(parserError('HPE_HEADER_OVERFLOW', 'GET /time HTTP/1.1\r\nX-Big: aaaa'), overflow);
  assert.match(overflow.written, /^HTTP\/1\.1 413 .*"ERR_REQUEST_TOO_LARGE"\}$/s);
  const framing = new FakeSocket();
  answer(parserError('HPE_UNEXPECTED_CONTENT_LENGTH', 'POST /push HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'), framing);
  assert.match(framing.written, /^HTTP\/1\.1 400 .*"ERR_REQUEST_INVALID"\}$/s);
});

test('a connection that already carried an answer is closed without a word, so nothing lands inside a response on its way', () => {
  const { answer, recorded } = createTestAnswer();
  const socket = new FakeSocket(124);
  answer(parserError('HPE_INVALID_METHOD', 'GET /a HTTP/1.1\r\n\r\nFOO /b HTTP/1.1\r\n\r\n'), socket);
  assert.equal(socket.written, '');
  assert.ok(socket.destroyed);
  assert.deepEqual(recorded, []);
});

test('a reset or already closed connection gets nothing', () => {
  const { answer, recorded } = createTestAnswer();
  const reset = new FakeSocket();
  answer(parserError('ECONNRESET'), reset);
  assert.equal(reset.written, '');
  const gone = new FakeSocket();
  gone.destroy();
  answer(parserError('HPE_INVALID_METHOD', 'FOO / HTTP/1.1\r\n\r\n'), gone);
  assert.equal(gone.written, '');
  assert.deepEqual(recorded, []);
});

test('bytes with no readable request line (a TLS hello on the plain port) are answered but not recorded', () => {
  const { answer, recorded } = createTestAnswer();
  const socket = new FakeSocket();
  answer(parserError('HPE_INVALID_METHOD', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'), socket);
  assert.match(socket.written, /^HTTP\/1\.1 405 /);
  assert.deepEqual(recorded, []);
});

test('operator paths, and everything while the store is behind on writes, are answered but not recorded', () => {
  const operator = createTestAnswer();
  operator.answer(parserError('HPE_INVALID_METHOD', 'FOO /api/v1/devices HTTP/1.1\r\n\r\n'), new FakeSocket());
  assert.deepEqual(operator.recorded, []);
  const behind = createTestAnswer({ isRecordingAffordable: () => false });
  const socket = new FakeSocket();
  behind.answer(parserError('HPE_INVALID_METHOD', 'FOO /push HTTP/1.1\r\n\r\n'), socket);
  assert.match(socket.written, /^HTTP\/1\.1 405 /);
  assert.deepEqual(behind.recorded, []);
});

test('every method Node parses is handed to the router except CONNECT and the ones already routed', () => {
  const routed = ['GET', 'HEAD', 'POST'];
  const added = methodsLeftUnrouted(routed);
  assert.ok(!added.includes('CONNECT'));
  assert.ok(added.includes('PROPFIND') && added.includes('M-SEARCH'));
  assert.deepEqual([...added, ...routed, 'CONNECT'].sort(), [...METHODS].sort());
});
