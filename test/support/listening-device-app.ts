// The app of src/main.ts (buildApp) listening on a free loopback port, over HTTPS with a fresh
// self-signed certificate or over plain HTTP, for tests that need real sockets and the store behind.

import { pino, type Logger } from 'pino';
import type { DeviceApp } from '../../src/adapters/device-http/device-app.js';
import { describe as describeTlsIdentity, generateSelfSignedCertificate, type TlsIdentity } from '../../src/adapters/tls/self-signed-certificate.js';
import { loadConfig, type FlagValues } from '../../src/config/load-config.js';
import { buildApp, openServices, type Services } from '../../src/main.js';
import { createTempDataDir } from './temp-data-dir.js';

export interface ListeningDeviceApp {
  readonly deviceApp: DeviceApp;
  readonly services: Services;
  readonly port: number;
  readonly url: string;
  /** The server's certificate, to trust (null over plain HTTP). */
  readonly ca: string | null;
  /** Log lines written so far (JSON), at the level given. */
  readonly logLines: string[];
  /** Resolves once every traffic write started so far has committed. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface ListeningDeviceAppOptions {
  readonly isTls: boolean;
  readonly flags?: FlagValues;
  readonly logLevel?: 'warn' | 'info' | 'debug';
}

export async function newTlsIdentity(): Promise<TlsIdentity> {
  const { certPem, keyPem } = await generateSelfSignedCertificate(['localhost', '127.0.0.1']);
  return describeTlsIdentity(certPem, keyPem, 'test');
}

export async function startListeningDeviceApp(options: ListeningDeviceAppOptions): Promise<ListeningDeviceApp> {
  const dataDir = createTempDataDir();
  const config = loadConfig({ data: dataDir.path, ...(options.isTls ? {} : { http: true }), ...options.flags }, {});
  const services = await openServices(config);
  const tls = options.isTls ? await newTlsIdentity() : null;
  const logLines: string[] = [];
  const logger: Logger = pino({ level: options.logLevel ?? 'warn' }, { write: (line: string) => logLines.push(line) });
  const deviceApp = buildApp(services, logger, tls);
  await deviceApp.app.listen({ host: '127.0.0.1', port: 0 });
  const address = deviceApp.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const { store } = services;
  return {
    deviceApp,
    services,
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ca: tls?.certPem ?? null,
    logLines,
    async settle() {
      // Traffic is recorded after the answer is written, in batches committed at the end of a turn:
      // give the writes a few turns to be queued, then wait for the queue to empty.
      for (let turn = 0; turn < 400 && (turn < 4 || store.pendingWriteCount > 0); turn++) {
        await new Promise((resolve) => (turn < 4 ? setImmediate(resolve) : setTimeout(resolve, 5)));
      }
    },
    async close() {
      deviceApp.app.server.closeAllConnections();
      await deviceApp.app.close();
      await services.close();
      dataDir.remove();
    },
  };
}
