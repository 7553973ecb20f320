// The digests we report for every stored file (PROTOCOL.md A7 and Part B 4): MD5 (what the vendor's
// cloud keeps for each file and a CWM/OKE may compare), SHA-256 (our content address and ETag) and
// the protocol's CRC-16 (seed 0xFFFF), all computed in one pass over the bytes.

import { createHash, type Hash } from 'node:crypto';
import { computeCrc16, formatCrc16 } from './crc16.js';

export interface FileDigests {
  readonly size: number;
  /** Lower-case hex. */
  readonly md5: string;
  /** Lower-case hex. */
  readonly sha256: string;
  /** 4 upper-case hex digits, as the protocol writes CRCs. */
  readonly crc16: string;
}

export interface FileDigester {
  update(chunk: Uint8Array): void;
  /** The size seen so far. */
  readonly size: number;
  finish(): FileDigests;
}

/**
 * @example const digester = createFileDigester(); digester.update(bytes); digester.finish().crc16
 */
export function createFileDigester(): FileDigester {
  const md5: Hash = createHash('md5');
  const sha256: Hash = createHash('sha256');
  let crc = 0xffff;
  let size = 0;
  return {
    update(chunk) {
      md5.update(chunk);
      sha256.update(chunk);
      crc = computeCrc16(chunk, crc);
      size += chunk.length;
    },
    get size() {
      return size;
    },
    finish() {
      return { size, md5: md5.digest('hex'), sha256: sha256.digest('hex'), crc16: formatCrc16(crc) };
    },
  };
}
