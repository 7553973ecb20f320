import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TlsContextUpdate } from '../adapters/device-http/device-app.js';
import type { TlsIdentity } from '../adapters/tls/self-signed-certificate.js';
import { createCaReloadJob, type CaReloadDeps } from './ca-reload-job.js';

const SELF_SIGNED: TlsIdentity = { certPem: 'self-signed cert', keyPem: 'self-signed key', source: 'DATA/tls/self-signed-cert.pem', sha256Fingerprint: 'AA' };

/** A CA whose files change when the test says so, and the TLS updates and log lines the job made. */
function fixture(options: { certFile: string | null; tls?: TlsIdentity | null }) {
  const state = { stamp: 'empty', server: null as { certPem: string; keyPem: string } | null, root: null as string | null };
  const updates: TlsContextUpdate[] = [];
  const logged: object[] = [];
  const deps: CaReloadDeps = {
    config: { certFile: options.certFile, clientAuth: 'auto' },
    ca: {
      changeStamp: () => state.stamp,
      serverIdentity: () => state.server,
      rootCertificatePem: () => state.root,
      exists: () => state.root !== null,
    },
    tls: options.tls === undefined ? SELF_SIGNED : options.tls,
    updateTlsContext: (update) => void updates.push(update),
    logger: { info: (fields: object) => void logged.push(fields) },
  };
  return { state, updates, logged, job: createCaReloadJob(deps) };
}

test('nothing is reloaded while the CA files stay as they were', async () => {
  const f = fixture({ certFile: null });
  await f.job.run();
  await f.job.run();
  assert.deepEqual(f.updates, []);
});

test('a new CA server certificate is served to new connections, with the root as the client CA, once per change', async () => {
  const f = fixture({ certFile: null });
  f.state.server = { certPem: 'ca server cert', keyPem: 'ca server key' };
  f.state.root = 'root cert';
  f.state.stamp = 'changed once';
  await f.job.run();
  await f.job.run();
  assert.deepEqual(f.updates, [{ certPem: 'ca server cert', keyPem: 'ca server key', clientCaPem: 'root cert' }]);
  assert.deepEqual(f.logged, [{ certificate: 'our CA server certificate', clientAuth: 'provision' }]);
});

test('with --cert/--key the operator certificate stays; only the client CA follows the CA', async () => {
  const f = fixture({ certFile: '/etc/opentps/cert.pem' });
  f.state.server = { certPem: 'ca server cert', keyPem: 'ca server key' };
  f.state.root = 'root cert';
  f.state.stamp = 'changed';
  await f.job.run();
  assert.deepEqual(f.updates, [{ certPem: 'self-signed cert', keyPem: 'self-signed key', clientCaPem: 'root cert' }]);
});

test('over plain HTTP there is nothing to reload', async () => {
  const f = fixture({ certFile: null, tls: null });
  f.state.stamp = 'changed';
  await f.job.run();
  assert.deepEqual(f.updates, []);
});
