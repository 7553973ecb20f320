// The records of our private certificate authority (issue 6): the root, and every certificate it issued
// with its serial, label, kind, names, validity and revocation. Plain data; ca-vault.ts stores them.

/** RSA-2048 by default: the vendor's example server uses it, and it keeps every PEM near 1.7 KB. */
export const KEY_ALGORITHMS = ['rsa-2048', 'ecdsa-p256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export type CertificateKind = 'server' | 'client';

export interface CaRootRecord {
  readonly name: string;
  readonly subject: string;
  readonly serial: string;
  readonly algorithm: KeyAlgorithm;
  readonly createdAtMs: number;
  readonly notAfterMs: number;
  readonly sha256Fingerprint: string;
}

export interface IssuedCertificate {
  /** Upper-case hex, as node:tls reports a peer's serial. */
  readonly serial: string;
  readonly kind: CertificateKind;
  /** The client label, or the first name of a server certificate. */
  readonly label: string;
  readonly subject: string;
  /** DNS names and IP addresses (server certificates). */
  readonly names: readonly string[];
  readonly issuedAtMs: number;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly revokedAtMs: number | null;
}

/** Everything but the keys and PEMs: what `DATA/ca/index.json` holds. */
export interface CaIndex {
  readonly version: 1;
  readonly root: CaRootRecord;
  readonly issued: readonly IssuedCertificate[];
}

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}
