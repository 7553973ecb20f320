// How virtual CWMs reach the server: HTTPS (or HTTP) with keep-alive connections, like a real CWM,
// which keeps its TLS session open between requests and waits at least 20 s for an answer.

import { Socket } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import type { FetchBytes } from './file-fetcher.js';

export interface SimResponse {
  readonly status: number;
  readonly body: string;
  /** Seconds from a Retry-After header, when present. */
  readonly retryAfterS: number | null;
}

export interface SimTransport {
  send(method: 'GET' | 'POST', path: string): Promise<SimResponse>;
  /** Drops every connection at once, failing whatever is still in flight; a second call does nothing. */
  close(): Promise<void>;
  /** A GET whose body is bytes, with extra headers (file downloads, see file-fetcher.ts). */
  fetchBytes?: FetchBytes;
}

export interface SimTransportOptions {
  readonly baseUrl: string;
  /** Accept any server certificate (self-signed bring-up). */
  readonly isInsecure: boolean;
  /** A CA certificate (PEM) to verify the server against. */
  readonly ca?: string | undefined;
  readonly timeoutMs: number;
  /**
   * Connections kept to the server. A real CWM holds one TLS session each; a virtual fleet of 100,000
   * shares a pool instead, or it would run out of file descriptors before the server runs out of anything.
   * The default stays under the server's default --max-connections-per-address (1000), since the whole
   * virtual fleet comes from one address.
   */
  readonly maxConnections?: number;
}

export function createSimTransport(options: SimTransportOptions): SimTransport {
  const connectSocket = buildConnector({
    rejectUnauthorized: !options.isInsecure,
    ca: options.ca,
    servername: new URL(options.baseUrl).hostname === '127.0.0.1' ? 'localhost' : undefined,
  });
  // Every socket, so close() can end those still in their TLS handshake: undici's destroy() fails their
  // requests but leaves the sockets (and the process) waiting for its 10-s connect timeout.
  const sockets = new Set<Socket>();
  const agent = new Agent({
    connections: options.maxConnections ?? 900,
    keepAliveTimeout: 120_000,
    keepAliveMaxTimeout: 600_000,
    connect(connectOptions, callback) {
      // undici's connector returns the socket it opens, though its type says void.
      const socket: unknown = connectSocket(connectOptions, callback);
      if (socket instanceof Socket) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      }
    },
  });
  const base = options.baseUrl.replace(/\/$/, '');
  return {
    async send(method, path) {
      const response = await request(`${base}${path}`, {
        method,
        dispatcher: agent,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      const body = await response.body.text();
      const retryAfter = response.headers['retry-after'];
      const retryAfterS = typeof retryAfter === 'string' && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
      return { status: response.statusCode, body, retryAfterS };
    },
    // Not agent.close(): it waits for requests in flight, and for a server that never answers that is forever.
    async close() {
      await agent.destroy();
      for (const socket of sockets) socket.destroy(new Error('the virtual fleet closed its connections'));
    },
    async fetchBytes(path, headers) {
      const response = await request(`${base}${path}`, {
        method: 'GET',
        headers,
        dispatcher: agent,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      const flat: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') flat[name] = value;
      return { status: response.statusCode, headers: flat, body };
    },
  };
}
