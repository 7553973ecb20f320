// Which certificate the server presents: --cert/--key when given, else our CA's server certificate (made by
// `opentps ca server-cert`), else the self-signed one in DATA/tls/ (created on first start).

import { join } from 'node:path';
import { describe as describeTlsIdentity, ensureSelfSignedIdentity, loadTlsIdentity, type TlsIdentity } from '../adapters/tls/self-signed-certificate.js';
import type { OpenTpsConfig } from '../config/config-schema.js';
import type { CertificateAuthority } from '../domain/certificate-authority.js';

/** The identity to serve, or null for plain HTTP (--http). */
export async function chooseTlsIdentity(config: Readonly<OpenTpsConfig>, ca: CertificateAuthority): Promise<TlsIdentity | null> {
  if (config.isPlainHttp) return null;
  if (config.certFile !== null && config.keyFile !== null) return loadTlsIdentity(config.certFile, config.keyFile);
  const fromCa = ca.serverIdentity();
  if (fromCa !== null) {
    const serial = ca.status().serverCertificate?.serial ?? '';
    return describeTlsIdentity(fromCa.certPem, fromCa.keyPem, `${join(config.dataDir, 'ca', 'issued', `${serial}-cert.pem`)} (our CA's server certificate)`);
  }
  return ensureSelfSignedIdentity(config.dataDir, config.certNames);
}
