// Reads an OKM a virtual CWM pulled, as the real one must: the CRC over the exact text first, then the
// JSON, then the fields it routes by. What failed is reported, for the CWM's `diag` counters and `lokm`.

import { verifyOkmCrc } from '../protocol/okm-crc.js';
import { isJsonObject } from '../protocol/upstream-okm.js';

export type InboundOkm =
  | { readonly kind: 'crc-missing' | 'crc-invalid' | 'json-invalid' | 'not-an-object' }
  | {
      readonly kind: 'ok';
      readonly destination: readonly string[];
      readonly cmd: string;
      readonly okmId: number;
      readonly payload: Record<string, unknown>;
    };

export function readInboundOkm(okmText: string): InboundOkm {
  let crc: ReturnType<typeof verifyOkmCrc>;
  try {
    crc = verifyOkmCrc(okmText);
  } catch {
    // Not even a JSON object whose members can be found: nothing to check the CRC on.
    return { kind: 'json-invalid' };
  }
  if (crc.verdict !== 'valid') return { kind: crc.verdict === 'missing' ? 'crc-missing' : 'crc-invalid' };
  let okm: unknown;
  try {
    okm = JSON.parse(okmText);
  } catch {
    return { kind: 'json-invalid' };
  }
  if (!isJsonObject(okm)) return { kind: 'not-an-object' };
  return {
    kind: 'ok',
    destination: Array.isArray(okm['_dst']) ? okm['_dst'].map(String) : [],
    cmd: typeof okm['_cmd'] === 'string' ? okm['_cmd'] : 'wr',
    okmId: typeof okm['_id'] === 'number' ? okm['_id'] : 0,
    payload: isJsonObject(okm['_pld']) ? okm['_pld'] : {},
  };
}
