// Plain HTTP requests with binary bodies and the path sent exactly as given (no normalisation of
// `..` or `%2e`), for file download and upload tests against a server started with --http.

import { request } from 'node:http';
import type { Readable } from 'node:stream';

export interface ByteResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface ByteRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | Readable;
}

export function sendBytes(baseUrl: string, path: string, options: ByteRequest = {}): Promise<ByteResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, method: options.method ?? 'GET', path, headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    const body = options.body;
    if (body === undefined) outgoing.end();
    else if (Buffer.isBuffer(body)) outgoing.end(body);
    else body.pipe(outgoing);
  });
}

/** The error code of a device error body, or null. */
export function errorCodeOf(response: ByteResponse): string | null {
  try {
    const parsed: unknown = JSON.parse(response.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string' ? parsed.error : null;
  } catch {
    return null;
  }
}
