// One TCP or TLS connection driven byte by byte: write exactly what a broken or hostile client
// sends, read answers one at a time, and see when (and how) the server closes it.

import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface RawConnectionOptions {
  readonly port: number;
  /** Speak TLS, trusting this certificate; absent: plain TCP (no handshake at all). */
  readonly tlsCa?: string;
  /** The local address to connect from (127.0.0.2 is another client address on Linux loopback). */
  readonly localAddress?: string;
}

export interface RawResponse {
  readonly statusLine: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface RawConnection {
  readonly socket: Socket;
  /** Resolves when the server closed the connection, with every byte received. */
  readonly closed: Promise<{ readonly received: string; readonly atMs: number }>;
  send(text: string | Buffer): void;
  /** The next complete response (Content-Length framing), once it has arrived. */
  readResponse(): Promise<RawResponse>;
  destroy(): void;
}

function parseResponse(buffered: string): { response: RawResponse; rest: string } | null {
  const headEnd = buffered.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [statusLine = '', ...headerLines] = buffered.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? '0');
  const bodyStart = headEnd + 4;
  if (buffered.length < bodyStart + length) return null;
  return { response: { statusLine, headers, body: buffered.slice(bodyStart, bodyStart + length) }, rest: buffered.slice(bodyStart + length) };
}

/** Connects (and, with tlsCa, completes the TLS handshake) before resolving. */
export async function openRawConnection(options: RawConnectionOptions): Promise<RawConnection> {
  const tcp = connectTcp({ host: '127.0.0.1', port: options.port, localAddress: options.localAddress });
  const socket: Socket = options.tlsCa === undefined ? tcp : connectTls({ socket: tcp, ca: options.tlsCa, servername: 'localhost' });
  tcp.on('error', () => undefined);
  let received = '';
  let unread = '';
  const waiters: Array<() => void> = [];
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
    unread += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ received: string; atMs: number }>((resolve) => {
    socket.on('close', () => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ received, atMs: Date.now() });
    });
  });
  // Errors (a reset by the server) end in 'close' too; the test looks at that.
  socket.on('error', () => undefined);
  await once(socket, options.tlsCa === undefined ? 'connect' : 'secureConnect');
  return {
    socket,
    closed,
    send: (text) => {
      socket.write(text);
    },
    async readResponse() {
      for (;;) {
        const parsed = parseResponse(unread);
        if (parsed !== null) {
          unread = parsed.rest;
          return parsed.response;
        }
        if (socket.destroyed) throw new Error(`connection closed before a whole response; received ${JSON.stringify(received)}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    destroy: () => socket.destroy(),
  };
}
