// One HTTPS request over a real TLS handshake, optionally with a client certificate (mutual TLS).

import { request, type Agent } from 'node:https';
import { TLSSocket } from 'node:tls';

export interface TlsRequestOptions {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
  readonly method?: string;
  /** A keep-alive agent to reuse one TLS session; default: a new connection. */
  readonly agent?: Agent;
}

export interface TlsResponse {
  readonly status: number;
  readonly body: string;
  /** The serial of the certificate the server presented. */
  readonly serverSerial: string;
}

export function requestOverTls(baseUrl: string, path: string, options: TlsRequestOptions): Promise<TlsResponse> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        agent: options.agent ?? false,
      },
      (res) => {
        let body = '';
        const serverSerial = res.socket instanceof TLSSocket ? res.socket.getPeerCertificate().serialNumber : '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serverSerial }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
