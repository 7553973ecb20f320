// The OKM integrity check of PROTOCOL.md A2: CRC-16/CCITT-FALSE over the exact UTF-8 text of the
// OKM with the 4 characters of the top-level `_crc` value replaced by `0000` in place.

import { computeCrc16, formatCrc16 } from './crc16.js';
import { findTopLevelMember } from './json-member-spans.js';

/**
 * valid: `_crc` equals the CRC of the text; missing: no `_crc` member; mismatch: 4 hex digits
 * that differ; malformed: `_crc` is present but not a string of exactly 4 hex digits.
 */
export type CrcVerdict = 'valid' | 'missing' | 'mismatch' | 'malformed';

export interface CrcCheck {
  readonly verdict: CrcVerdict;
  /** The `_crc` value as sent: the text between the quotes for a string, the raw JSON text otherwise (`8813`, `null`); null when absent. */
  readonly received: string | null;
  /** The CRC the text should carry (upper case), or null when there is no 4-digit slot to compute it for. */
  readonly expected: string | null;
}

const textEncoder = new TextEncoder();
const CRC_SLOT = /^"([0-9A-Fa-f]{4})"$/;

/** Where the 4 hex digits of `_crc` sit in `okmText`, or why there is no such slot. */
function locateCrcSlot(okmText: string): { start: number; digits: string } | 'missing' | 'malformed' {
  const member = findTopLevelMember(okmText, '_crc');
  if (!member) return 'missing';
  const valueText = okmText.slice(member.valueStart, member.valueEnd);
  const match = CRC_SLOT.exec(valueText);
  if (!match || match[1] === undefined) return 'malformed';
  return { start: member.valueStart + 1, digits: match[1] };
}

function crcOfTextWithZeroedSlot(okmText: string, slotStart: number): string {
  const zeroed = okmText.slice(0, slotStart) + '0000' + okmText.slice(slotStart + 4);
  return formatCrc16(computeCrc16(textEncoder.encode(zeroed)));
}

/**
 * Checks the `_crc` of an OKM given as its exact JSON text (which must be valid JSON).
 * @example verifyOkmCrc('{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_ts":"2019-12-26T14:40:00","_crc":"8813","_pld":{"_hbt":{"door":56}}}').verdict === 'valid'
 */
export function verifyOkmCrc(okmText: string): CrcCheck {
  const slot = locateCrcSlot(okmText);
  if (slot === 'missing') return { verdict: 'missing', received: null, expected: null };
  if (slot === 'malformed') {
    const member = findTopLevelMember(okmText, '_crc');
    const raw = member ? okmText.slice(member.valueStart, member.valueEnd) : null;
    const received = raw && raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
    return { verdict: 'malformed', received, expected: null };
  }
  const expected = crcOfTextWithZeroedSlot(okmText, slot.start);
  return { verdict: expected === slot.digits.toUpperCase() ? 'valid' : 'mismatch', received: slot.digits, expected };
}

/**
 * The CRC (4 upper-case hex digits) that the OKM text should carry in its `_crc` slot.
 * Returns null when the text has no `_crc` member holding 4 hex digits to compute it for.
 */
export function computeOkmCrc(okmText: string): string | null {
  const slot = locateCrcSlot(okmText);
  if (typeof slot === 'string') return null;
  return crcOfTextWithZeroedSlot(okmText, slot.start);
}

/** The OKM text with its `_crc` slot filled with the correct CRC (text without a slot is returned as is). */
export function sealOkmCrc(okmText: string): string {
  const slot = locateCrcSlot(okmText);
  if (typeof slot === 'string') return okmText;
  const crc = crcOfTextWithZeroedSlot(okmText, slot.start);
  return okmText.slice(0, slot.start) + crc + okmText.slice(slot.start + 4);
}
