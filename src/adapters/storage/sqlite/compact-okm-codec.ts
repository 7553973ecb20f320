// How a compact OKM partition (sqlite-okm-partitions.ts) writes one OKM: its text once, deflated with the
// partition's preset dictionary together with the push envelope and remote address; the CRC and auth
// verdicts packed in one small integer; the dedup identity as a 16-byte digest.
//
// Why by hand: an OKM is a few hundred bytes of JSON, too short for deflate to find repeats within itself
// (176 of 241 bytes for the simulator's heartbeats). A preset dictionary made of recent OKMs of the same
// fleet gives it the repeats: ~57 bytes including the envelope line, in ~18 µs per OKM (bench/okm-bytes.ts;
// BENCHMARKS.md "bytes per OKM"). Node's zlib is what does it.

import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CrcVerdict } from '../../../protocol/okm-crc.js';
import type { AuthVerdict } from '../../../domain/telemetry-store.js';

const CRC_VERDICTS: readonly CrcVerdict[] = ['valid', 'missing', 'mismatch', 'malformed'];
const AUTH_VERDICTS: readonly AuthVerdict[] = ['hmac', 'unsigned', 'bad-signature', 'unknown-device'];
/**
 * An 8 KiB window holds the whole dictionary and the text; zlib's default (32 KiB, memLevel 8) allocates
 * ~270 KB per call, which is most of a call's cost: 29 µs per heartbeat against 18 µs with these, same
 * size out (measured on 5,000 simulator heartbeats with a 4 KiB dictionary).
 */
const DEFLATE_OPTIONS = { level: 6, windowBits: 13, memLevel: 6 } as const;
const INFLATE_OPTIONS = { windowBits: 13 } as const;
/** The largest dictionary a partition gets: deflate reads the whole of it for every OKM it compresses. */
export const MAX_DICTIONARY_BYTES = 4096;

/**
 * The dictionary of a partition made before any OKM was stored: the members every OKM has (PROTOCOL.md
 * A2) and the envelope's. Later partitions get recent OKMs instead (dictionaryFromSamples).
 */
export const SEED_DICTIONARY = Buffer.from(
  '[{"ts":"2026-01-01T00:00:00"},"127.0.0.1"]\n{"_src":["0002000000000000","0002000000000000"],"_cmd":"wr","_id":1,"_ts":"2026-01-01T00:00:00","_crc":"0000","_pld":{"_hbt":{"ti":0,"diag":[0,0,0,0],"cfgpend":false}}}',
);

/** A dictionary for deflate made of recent bodies' texts, the most recent last (deflate prefers short distances). */
export function dictionaryFromSamples(samples: readonly string[]): Buffer {
  const joined = Buffer.from(samples.join(''));
  return joined.length === 0 ? SEED_DICTIONARY : joined.subarray(Math.max(0, joined.length - MAX_DICTIONARY_BYTES));
}

export interface OkmBody {
  readonly envelope: Record<string, unknown>;
  readonly remoteAddress: string | null;
  readonly rawOkm: string;
}

/** The text a body holds: `[envelope, remoteAddress]` on the first line (JSON.stringify writes no newline), the OKM text after. */
export function bodyText(body: OkmBody): string {
  return `${JSON.stringify([body.envelope, body.remoteAddress])}\n${body.rawOkm}`;
}

export function encodeBody(body: OkmBody, dictionary: Buffer): Buffer {
  return deflateRawSync(bodyText(body), { dictionary, ...DEFLATE_OPTIONS });
}

export function decodeBodyText(blob: Buffer, dictionary: Buffer): string {
  return inflateRawSync(blob, { dictionary, ...INFLATE_OPTIONS }).toString('utf8');
}

/** The OKM text of a decoded body. */
export function rawOfBodyText(text: string): string {
  return text.slice(text.indexOf('\n') + 1);
}

export function packVerdicts(crc: CrcVerdict, auth: AuthVerdict): number {
  return CRC_VERDICTS.indexOf(crc) | (AUTH_VERDICTS.indexOf(auth) << 2);
}

export function unpackVerdicts(flags: number): { crcVerdict: CrcVerdict; auth: AuthVerdict } {
  return { crcVerdict: CRC_VERDICTS[flags & 3] ?? 'malformed', auth: AUTH_VERDICTS[(flags >> 2) & 3] ?? 'unknown-device' };
}

/** The dedup identity (CWM, origin, dedup key) as 16 bytes of SHA-256: a collision among 2^40 OKMs has odds of about 2^-49. */
export function dedupDigest(cwmId: string, originId: string, dedupKey: string): Buffer {
  return createHash('sha256').update(JSON.stringify([cwmId, originId, dedupKey])).digest().subarray(0, 16);
}
