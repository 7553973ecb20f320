// Strict decoding of `application/x-www-form-urlencoded` text (query strings and form bodies).
// Lenient decoders turn `%zz` into literal text; we refuse it, because a mangled `req` would fail
// its HMAC for a reason nobody could see.

import { OpenTpsError } from '../errors.js';

/** Parameter name -> every value it was given, each still percent-encoded. */
export type EncodedParams = Map<string, string[]>;

/** Splits `a=1&b=2` into names (decoded) and values (kept encoded, so each can be decoded more than one way). */
export function splitEncodedParams(text: string): EncodedParams {
  const params: EncodedParams = new Map();
  if (text.length === 0) return params;
  for (const pair of text.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq), true);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  }
  return params;
}

const PERCENT_TRIPLET = /%(?![0-9A-Fa-f]{2})/;

/**
 * Decodes one component. With `plusIsSpace` (the form rule) `+` becomes a space; without it `+`
 * stays `+`, which is what a client that only percent-encodes meant.
 * @throws OpenTpsError ERR_REQUEST_ENCODING on a bad `%` escape or an invalid UTF-8 sequence.
 */
export function decodeFormComponent(encoded: string, plusIsSpace: boolean): string {
  if (PERCENT_TRIPLET.test(encoded)) throw new OpenTpsError('ERR_REQUEST_ENCODING', 'a "%" is not followed by two hex digits');
  const text = plusIsSpace ? encoded.replace(/\+/g, ' ') : encoded;
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new OpenTpsError('ERR_REQUEST_ENCODING', 'percent escapes do not form valid UTF-8', { cause });
  }
}

/**
 * Every distinct text an encoded value can stand for: the form reading first, then, when the value
 * holds a literal `+`, the percent-only reading. The HMAC tells which one the device signed.
 */
export function decodeFormComponentVariants(encoded: string): string[] {
  const formReading = decodeFormComponent(encoded, true);
  if (!encoded.includes('+')) return [formReading];
  return [formReading, decodeFormComponent(encoded, false)];
}
