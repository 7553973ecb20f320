// The serial numbers our CA gives its certificates: 127 random bits, positive, never starting with a zero
// byte (RFC 5280 4.1.2.2: positive, at most 20 octets; a leading zero byte would be dropped by DER encoders
// and change the serial's length).

import { randomBytes } from 'node:crypto';

/** 16 random bytes as 32 upper-case hex digits, the first byte in 0x10..0x7F. `random` is injected for tests. */
export function newCaSerial(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(16);
  bytes[0] = 0x10 + ((bytes[0] ?? 0) % 0x70);
  return bytes.toString('hex').toUpperCase();
}
