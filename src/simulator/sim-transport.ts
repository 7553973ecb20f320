// How virtual CWMs reach the server: HTTPS (or HTTP) with keep-alive connections, like a real CWM,
// which keeps its TLS session open between requests and waits at least 20 s for an answer.

import { Agent, request } from 'undici';
import type { FetchBytes } from './file-fetcher.js';

export interface SimResponse {
  readonly status: number;
  readonly body: string;
  /** Seconds from a Retry-After header, when present. */
  readonly retryAfterS: number | null;
}

export interface SimTransport {
  send(method: 'GET' | 'POST', path: string): Promise<SimResponse>;
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
  const agent = new Agent({
    connections: options.maxConnections ?? 900,
    keepAliveTimeout: 120_000,
    keepAliveMaxTimeout: 600_000,
    connect: { rejectUnauthorized: !options.isInsecure, ca: options.ca, servername: new URL(options.baseUrl).hostname === '127.0.0.1' ? 'localhost' : undefined },
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
    close: () => agent.close(),
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
