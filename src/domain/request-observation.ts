// What the domain learnt about one device request, for the traffic recorder and the server's metrics: who
// claimed to send it, whether that device is registered, the HMAC and CRC verdicts, and what became of a
// pushed OKM. Filled in as the request is handled.

import type { CrcVerdict } from '../protocol/okm-crc.js';

export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'invalid' | 'not-checked';

export interface RequestObservation {
  /** The registered (or, in `open` mode, discovered) device the request belongs to. */
  deviceId: string | null;
  /** The id the request named, registered or not. */
  claimedDeviceId: string | null;
  signatureVerdict: SignatureVerdict | null;
  crcVerdict: CrcVerdict | null;
  /** The client certificate presented over mutual TLS (or named by a trusted proxy). */
  clientCertSubject: string | null;
  clientCertSerial: string | null;
  /** A push acknowledged: its OKM was stored, or recognised as one stored before (and not stored again). */
  okmOutcome: 'stored' | 'duplicate' | null;
}

export function createRequestObservation(): RequestObservation {
  return { deviceId: null, claimedDeviceId: null, signatureVerdict: null, crcVerdict: null, clientCertSubject: null, clientCertSerial: null, okmOutcome: null };
}
