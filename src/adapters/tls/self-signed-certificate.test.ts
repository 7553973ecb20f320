import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isOpenTpsError } from '../../errors.js';
import { createTempDataDir } from '../../../test/support/temp-data-dir.js';
import { ensureSelfSignedIdentity, generateSelfSignedCertificate, loadTlsIdentity } from './self-signed-certificate.js';

const dir = createTempDataDir();
after(() => dir.remove());

test('the first start generates an ECDSA certificate for localhost and loopback, with an owner-only key', async () => {
  const identity = await ensureSelfSignedIdentity(dir.path);
  const cert = new X509Certificate(identity.certPem);
  assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
  assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
  assert.ok(new Date(cert.validTo).getTime() > Date.now() + 5 * 365 * 86_400_000, 'valid for years');
  assert.equal(statSync(join(dir.path, 'tls', 'self-signed-key.pem')).mode & 0o777, 0o600);
  assert.ok(identity.certPem.length < 4096, 'small enough for a CWM root-CA slot');
});

test('later starts reuse the same certificate', async () => {
  const first = await ensureSelfSignedIdentity(dir.path);
  const second = await ensureSelfSignedIdentity(dir.path);
  assert.equal(second.sha256Fingerprint, first.sha256Fingerprint);
});

test('a certificate is generated again when the endpoint names the CWMs use are not all in it', async () => {
  const before = await ensureSelfSignedIdentity(dir.path);
  const after = await ensureSelfSignedIdentity(dir.path, ['tps.example.com', '192.0.2.10']);
  assert.notEqual(after.sha256Fingerprint, before.sha256Fingerprint);
  const san = new X509Certificate(after.certPem).subjectAltName ?? '';
  assert.match(san, /DNS:tps\.example\.com/);
  assert.match(san, /IP Address:192\.0\.2\.10/);
  assert.equal((await ensureSelfSignedIdentity(dir.path, ['tps.example.com'])).sha256Fingerprint, after.sha256Fingerprint);
});

test('operator PEM files load when the key belongs to the certificate', async () => {
  const { certPem, keyPem } = await generateSelfSignedCertificate(['tps.example.com']);
  writeFileSync(join(dir.path, 'op-cert.pem'), certPem);
  writeFileSync(join(dir.path, 'op-key.pem'), keyPem);
  const identity = loadTlsIdentity(join(dir.path, 'op-cert.pem'), join(dir.path, 'op-key.pem'));
  assert.equal(identity.certPem, certPem);
});

test('a key that does not belong to the certificate, or a missing file, is ERR_TLS_FILES', async () => {
  const other = await generateSelfSignedCertificate(['other.example.com']);
  writeFileSync(join(dir.path, 'wrong-key.pem'), other.keyPem);
  const refuse = (cert: string, key: string): void =>
    assert.throws(() => loadTlsIdentity(cert, key), (error: unknown) => isOpenTpsError(error, 'ERR_TLS_FILES'));
  refuse(join(dir.path, 'op-cert.pem'), join(dir.path, 'wrong-key.pem'));
  refuse(join(dir.path, 'missing.pem'), join(dir.path, 'op-key.pem'));
  writeFileSync(join(dir.path, 'garbage.pem'), 'not a certificate');
  refuse(join(dir.path, 'garbage.pem'), join(dir.path, 'op-key.pem'));
});
