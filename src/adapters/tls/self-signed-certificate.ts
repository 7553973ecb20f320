// The default TLS identity: an ECDSA P-256 certificate generated on first start into the data
// directory (key 0600) and reused afterwards, or the operator's own PEM files.

// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { OpenTpsError } from '../../errors.js';

export interface TlsIdentity {
  readonly certPem: string;
  readonly keyPem: string;
  /** Where the identity came from, for the start-up log. */
  readonly source: string;
  readonly sha256Fingerprint: string;
}

const VALIDITY_DAYS = 3650;

/** Generates a self-signed certificate for `names` (DNS names or IP addresses). */
export async function generateSelfSignedCertificate(names: readonly string[]): Promise<{ certPem: string; keyPem: string }> {
  x509.cryptoProvider.set(webcrypto);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + VALIDITY_DAYS * 86_400_000);
  const isIp = (name: string): boolean => /^[\d.]+$/.test(name) || name.includes(':');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=OpenTPS self-signed (${names[0] ?? 'localhost'})`,
    notBefore,
    notAfter,
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((name) => (isIp(name) ? { type: 'ip', value: name } : { type: 'dns', value: name }))),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem') + '\n', keyPem };
}

/** Checks that the key belongs to the certificate, and describes the pair for the start-up log. */
export function describe(certPem: string, keyPem: string, source: string): TlsIdentity {
  try {
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key)) throw new Error('the key does not belong to the certificate');
    return { certPem, keyPem, source, sha256Fingerprint: cert.fingerprint256 };
  } catch (cause) {
    throw new OpenTpsError('ERR_TLS_FILES', `${source}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Reads the operator's PEM files, checking that the key matches the certificate. */
export function loadTlsIdentity(certFile: string, keyFile: string): TlsIdentity {
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(certFile, 'utf8');
    keyPem = readFileSync(keyFile, 'utf8');
  } catch (cause) {
    throw new OpenTpsError('ERR_TLS_FILES', `cannot read ${certFile} or ${keyFile}`, { cause });
  }
  return describe(certPem, keyPem, `${certFile}`);
}

/** True when the certificate's SANs cover every name in `names`. */
function coversNames(certPem: string, names: readonly string[]): boolean {
  const san = new X509Certificate(certPem).subjectAltName ?? '';
  const entries = new Set(san.split(',').map((entry) => entry.trim().replace(/^(DNS|IP Address):/, '').toLowerCase()));
  return names.every((name) => entries.has(name.toLowerCase()));
}

/**
 * The self-signed identity in `<dataDir>/tls/`, generated on first use, and generated again when
 * `extraNames` (the endpoint names the CWMs use) are not all in it.
 */
export async function ensureSelfSignedIdentity(dataDir: string, extraNames: readonly string[] = []): Promise<TlsIdentity> {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'self-signed-cert.pem');
  const keyFile = join(dir, 'self-signed-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const existing = loadTlsIdentity(certFile, keyFile);
    if (coversNames(existing.certPem, extraNames)) return existing;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const names = [...new Set([...extraNames, 'localhost', hostname(), '127.0.0.1', '::1'])];
  const { certPem, keyPem } = await generateSelfSignedCertificate(names);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(certFile, certPem, { mode: 0o644 });
  return describe(certPem, keyPem, `${certFile} (generated for ${names.join(', ')})`);
}
