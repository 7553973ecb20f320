// Builds server -> device OKMs (PROTOCOL.md A2/A5): key order `_dst, _cmd, _id, _ts, _crc, _pld`,
// compact JSON, and a correct CRC over exactly the text that goes on the wire.

import { sealOkmCrc } from './okm-crc.js';
import type { JsonObject } from './upstream-okm.js';

export type OkmCommand = 'wr' | 'rd';

export interface DownstreamOkmFields {
  readonly destination: readonly string[];
  readonly cmd: OkmCommand;
  readonly id: number;
  /** Already formatted, e.g. `2020-09-21T17:20:58Z`. */
  readonly ts: string;
  readonly payload: JsonObject;
}

/**
 * The OKM text to deliver, CRC included.
 * @example buildDownstreamOkm({ destination: ['0002010203040506'], cmd: 'wr', id: 1, ts: '2026-01-01T00:00:00Z', payload: { _ping: true } })
 */
export function buildDownstreamOkm(fields: DownstreamOkmFields): string {
  const text =
    `{"_dst":${JSON.stringify(fields.destination)},"_cmd":${JSON.stringify(fields.cmd)},` +
    `"_id":${fields.id},"_ts":${JSON.stringify(fields.ts)},"_crc":"0000","_pld":${JSON.stringify(fields.payload)}}`;
  return sealOkmCrc(text);
}
