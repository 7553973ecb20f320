// HMAC-SHA256 request authentication (PROTOCOL.md A3): the hex HMAC of the URL-decoded `req`
// text, keyed with the CWM's provisioning key used either as UTF-8 text or, when it is valid hex,
// as the bytes it encodes. Pure computation: node:crypto is used only as a hash library.

import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SIGNATURE = /^[0-9A-Fa-f]{64}$/;
const HEX_KEY = /^(?:[0-9A-Fa-f]{2})+$/;

/** True when `signature` has the shape of a SHA-256 HMAC in hex (either case). */
export function isWellFormedSignature(signature: string): boolean {
  return HEX_SIGNATURE.test(signature);
}

/** The byte strings a provisioning key may stand for, in the order we try them. */
export function keyByteVariants(key: string): Buffer[] {
  const variants = [Buffer.from(key, 'utf8')];
  if (HEX_KEY.test(key)) variants.push(Buffer.from(key, 'hex'));
  return variants;
}

/**
 * The `sha256hmac` a device sends for `reqText` (lower-case hex), keyed with the key's UTF-8 bytes.
 * @example signRequest('{"devid":"X"}', 'secret')
 */
export function signRequest(reqText: string, key: string | Buffer): string {
  return createHmac('sha256', key).update(reqText, 'utf8').digest('hex');
}

/** Constant-time check of a well-formed hex signature against every reading of the key. */
export function verifyRequestSignature(reqText: string, signature: string, key: string): boolean {
  if (!isWellFormedSignature(signature)) return false;
  const received = Buffer.from(signature, 'hex');
  let isMatch = false;
  for (const keyBytes of keyByteVariants(key)) {
    const expected = createHmac('sha256', keyBytes).update(reqText, 'utf8').digest();
    // Evaluate every variant (no early exit) so timing does not reveal which reading matched.
    if (timingSafeEqual(expected, received)) isMatch = true;
  }
  return isMatch;
}
