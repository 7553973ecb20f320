// A keep-alive HTTP(S) client that verifies the server's certificate against a given CA, like a CWM
// configured with our root CA.

import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';

export interface DeviceResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface DeviceHttpClient {
  send(method: string, path: string, options?: { body?: string; contentType?: string; headers?: Record<string, string> }): Promise<DeviceResponse>;
  close(): void;
}

export function createDeviceHttpClient(baseUrl: string, ca: string | null): DeviceHttpClient {
  const url = new URL(baseUrl);
  const isTls = url.protocol === 'https:';
  const agent = isTls ? new HttpsAgent({ keepAlive: true, ca: ca ?? undefined, servername: 'localhost' }) : new HttpAgent({ keepAlive: true });
  return {
    send(method, path, options = {}) {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string> = { ...options.headers };
        if (options.body !== undefined) {
          headers['content-type'] = options.contentType ?? 'application/x-www-form-urlencoded';
          headers['content-length'] = String(Buffer.byteLength(options.body));
        }
        const requestOptions = { host: url.hostname, port: url.port, method, path, headers, agent };
        const req = isTls ? httpsRequest(requestOptions) : httpRequest(requestOptions);
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(options.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
