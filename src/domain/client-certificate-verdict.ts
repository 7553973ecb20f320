// What a device's client certificate proves: verified by our CA, missing, untrusted, expired or revoked.
// The transport reports what the TLS layer (or a trusted proxy) saw; the verdict is decided here.

import type { ErrorCode } from '../errors.js';

export type ClientCertificateVerdict = 'verified' | 'missing' | 'untrusted' | 'expired' | 'revoked';

export interface PresentedClientCertificate {
  /** False when the client sent none. */
  readonly isPresented: boolean;
  /** True when the chain verified against our root (TLS layer or nginx `$ssl_client_verify`). */
  readonly isChainVerified: boolean;
  /** The verifier's reason when not verified, e.g. CERT_HAS_EXPIRED. */
  readonly verifyError: string | null;
  readonly subject: string | null;
  readonly serial: string | null;
}

export const NO_CLIENT_CERTIFICATE: PresentedClientCertificate = {
  isPresented: false, isChainVerified: false, verifyError: null, subject: null, serial: null,
};

const EXPIRY_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Serial numbers compare as hex without leading zeros, in upper case. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/[^0-9a-f]/gi, '').replace(/^0+(?=.)/, '').toUpperCase();
}

export function judgeClientCertificate(presented: PresentedClientCertificate, isRevoked: (serial: string) => boolean): ClientCertificateVerdict {
  if (!presented.isPresented) return 'missing';
  if (!presented.isChainVerified) return presented.verifyError !== null && EXPIRY_ERRORS.has(presented.verifyError) ? 'expired' : 'untrusted';
  if (presented.serial === null) return 'untrusted';
  if (isRevoked(normalizeSerial(presented.serial))) return 'revoked';
  return 'verified';
}

export const REFUSAL_CODES: Readonly<Record<Exclude<ClientCertificateVerdict, 'verified'>, ErrorCode>> = {
  missing: 'ERR_CLIENT_CERT_MISSING',
  untrusted: 'ERR_CLIENT_CERT_UNTRUSTED',
  expired: 'ERR_CLIENT_CERT_EXPIRED',
  revoked: 'ERR_CLIENT_CERT_REVOKED',
};
