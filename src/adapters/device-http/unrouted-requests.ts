// Requests that never reach Fastify's router, answered in the device error format straight on the
// socket and recorded: CONNECT (Node hands it to a 'connect' listener, or destroys the socket when
// there is none) and requests Node's HTTP parser gives up on ('clientError': an unknown method such as
// FOO, bad framing, headers too large or too slow). PROTOCOL.md A6: whatever a device sends is answered
// in our format and recorded, so an operator bringing up a CWM sees what it sent.

import { METHODS, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock } from '../../domain/clock.js';
import { recordableHeaders, type TrafficRecorder } from '../../domain/traffic-recorder.js';
import type { TrafficEntry } from '../../domain/traffic-store.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors.js';
import { encodeDeviceError } from '../../protocol/device-answers.js';

export interface UnroutedRequestDeps {
  readonly clock: Clock;
  readonly traffic: TrafficRecorder;
  readonly logger: {
    debug(details: Record<string, unknown>, message: string): void;
  };
  /** Logs a failed traffic write (once per interval while the store keeps failing). */
  readonly reportTrafficFailure: (error: unknown) => void;
  /** False while the store is behind on writes: recording would add to the very load being shed. */
  readonly isRecordingAffordable: () => boolean;
  /** Operator paths (admin API, console) are not device traffic and are never recorded. */
  readonly isOperatorPath: (url: string) => boolean;
}

/**
 * Methods Node's parser accepts that Fastify does not route by default (PROPFIND, LOCK, M-SEARCH, ...):
 * unrouted, they would all get 404, even on /push. Given to `addHttpMethod`, each path answers them as it
 * answers any method it does not serve (405 with Allow on device routes, 404 elsewhere), recorded like any
 * request. CONNECT is left out: Node never hands it to the router (see answerConnectRequests).
 */
export function methodsLeftUnrouted(routedMethods: readonly string[]): string[] {
  const routed = new Set(routedMethods);
  return METHODS.filter((method) => method !== 'CONNECT' && !routed.has(method));
}

/** The whole HTTP/1.1 answer for `code`, closing the connection (the parser is gone or detached). */
export function deviceErrorResponseText(code: ErrorCode): { readonly status: number; readonly body: string; readonly text: string } {
  const status = ERROR_CATALOGUE[code].status;
  const body = encodeDeviceError(code);
  const text =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
  return { status, body, text };
}

interface UnroutedRecord {
  readonly receivedAtMs: number;
  readonly remoteAddress: string | null;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly status: number;
  readonly response: string;
  readonly errorCode: ErrorCode;
}

function record(deps: UnroutedRequestDeps, fields: UnroutedRecord): void {
  if (!deps.isRecordingAffordable() || deps.isOperatorPath(fields.url)) return;
  const entry: TrafficEntry = {
    ...fields,
    deviceId: null, claimedDeviceId: null, body: '', durationMs: deps.clock.nowMs() - fields.receivedAtMs,
    signatureVerdict: null, crcVerdict: null, clientCertSubject: null, clientCertSerial: null,
  };
  deps.traffic.record(entry).catch(deps.reportTrafficFailure);
}

/**
 * Answers every CONNECT with `405 ERR_METHOD_NOT_ALLOWED` and closes the connection: we are no proxy.
 * Without this listener Node destroys the socket with no answer at all.
 */
export function answerConnectRequests(server: Server, deps: UnroutedRequestDeps): void {
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    const receivedAtMs = deps.clock.nowMs();
    // The HTTP parser has let go of the socket: nothing else handles its errors or closes it now.
    socket.on('error', () => socket.destroy());
    const answer = deviceErrorResponseText('ERR_METHOD_NOT_ALLOWED');
    // Destroyed once flushed: the server is half-open, and a client that never closes would hold the slot.
    socket.end(answer.text, () => socket.destroy());
    record(deps, {
      receivedAtMs, remoteAddress: request.socket.remoteAddress ?? null, method: request.method ?? 'CONNECT', url: request.url ?? '',
      headers: recordableHeaders(request.headers), status: answer.status, response: answer.body, errorCode: 'ERR_METHOD_NOT_ALLOWED',
    });
  });
}

/** What Node's parser reports with a 'clientError': node:http adds `code` and the bytes being parsed. */
interface ClientErrorFacts {
  readonly code: string | null;
  readonly rawPacket: Buffer | undefined;
}

function factsOf(error: Error): ClientErrorFacts {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : null;
  const rawPacket = 'rawPacket' in error && Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
  return { code, rawPacket };
}

const KNOWN_METHODS = new Set(METHODS);
// A request line as RFC 9112 writes it: a token, one space, a target without spaces or controls, the version.
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}) ([\x21-\x7e]+) HTTP\/\d\.\d\r?\n/;

function readRequestLine(rawPacket: Buffer | undefined): { readonly method: string; readonly url: string } | null {
  if (rawPacket === undefined) return null;
  const match = REQUEST_LINE.exec(rawPacket.toString('latin1'));
  return match?.[1] === undefined || match[2] === undefined ? null : { method: match[1], url: match[2] };
}

function codeOfClientError(error: ClientErrorFacts, method: string | null): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'ERR_REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW' || error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 'ERR_REQUEST_TOO_LARGE';
  // An unknown method fails in the parser as HPE_INVALID_METHOD, or (RTSP names such as DESCRIBE) a few
  // bytes later as HPE_INVALID_CONSTANT: either way the method is what we refuse.
  if (error.code === 'HPE_INVALID_METHOD' || (method !== null && !KNOWN_METHODS.has(method))) return 'ERR_METHOD_NOT_ALLOWED';
  return 'ERR_REQUEST_INVALID';
}

/** What the answer needs of the socket Node reports with a clientError (a node:net Socket). */
export interface ClientErrorSocket {
  readonly destroyed: boolean;
  readonly writable: boolean;
  readonly bytesWritten: number;
  readonly remoteAddress?: string | undefined;
  write(text: string): unknown;
  destroy(): unknown;
}

/**
 * Fastify's `clientErrorHandler`: answers in the device error format instead of Fastify's own JSON,
 * and records the request when its request line can be read from the bytes that failed.
 * Like Node itself, it writes only on a connection that has had no answer yet: on a kept-alive or
 * pipelined connection an answer may be on its way, and bytes written now would land inside it.
 */
export function createClientErrorAnswer(deps: UnroutedRequestDeps): (error: Error, socket: ClientErrorSocket) => void {
  return (error, socket) => {
    const clientError = factsOf(error);
    if (clientError.code === 'ECONNRESET' || socket.destroyed) return;
    const receivedAtMs = deps.clock.nowMs();
    const line = readRequestLine(clientError.rawPacket);
    const code = codeOfClientError(clientError, line?.method ?? null);
    deps.logger.debug({ err: error, code }, 'client error: request not parsed');
    const answer = deviceErrorResponseText(code);
    const isFirstAnswer = socket.writable && socket.bytesWritten === 0;
    if (isFirstAnswer) socket.write(answer.text);
    socket.destroy();
    if (!isFirstAnswer || line === null) return;
    record(deps, {
      receivedAtMs, remoteAddress: socket.remoteAddress ?? null, method: line.method, url: line.url,
      headers: {}, status: answer.status, response: answer.body, errorCode: code,
    });
  };
}
