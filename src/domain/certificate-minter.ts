// The X.509 port of the certificate authority: makes keys and certificates (adapters/tls/x509-minter.ts).

import type { CertificateKind, KeyAlgorithm, PemPair } from './ca-records.js';

export interface SubjectName {
  readonly type: 'dns' | 'ip';
  readonly value: string;
}

export interface RootRequest {
  readonly commonName: string;
  readonly organization: string;
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly algorithm: KeyAlgorithm;
}

export interface LeafRequest {
  readonly issuer: PemPair;
  readonly kind: CertificateKind;
  readonly commonName: string;
  readonly organization: string;
  readonly names: readonly SubjectName[];
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly algorithm: KeyAlgorithm;
}

export interface MintedCertificate extends PemPair {
  /** As node:crypto prints it, e.g. "O=ACME kitchens\nCN=kitchen-1". */
  readonly subject: string;
  readonly sha256Fingerprint: string;
}

export interface CertificateMinter {
  createRoot(request: RootRequest): Promise<MintedCertificate>;
  issue(request: LeafRequest): Promise<MintedCertificate>;
}
