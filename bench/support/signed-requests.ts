// Pre-built device requests for the benchmarks: every push a new heartbeat OKM, signed and CRC'd,
// built before the clock starts so the client's cost per request stays as low as for the ceiling.

import { sealOkmCrc } from '../../src/protocol/okm-crc.js';
import { signRequest } from '../../src/protocol/request-signature.js';

export function buildPushPath(cwmId: string, key: string, seq: number): string {
  const okm = sealOkmCrc(
    `{"_src":["0363${cwmId.slice(4)}","${cwmId}"],"_cmd":"wr","_id":${seq},"_ts":"2026-11-24T12:00:00","_crc":"0000","_pld":{"_hbt":{"temp":${170 + (seq % 20)},"door":${seq % 2},"cook":"idle"}}}`,
  );
  const req = `{"okm":${okm},"ts":"2026-11-24T12:00:01"}`;
  return `/push?sha256hmac=${signRequest(req, key)}&req=${encodeURIComponent(req)}`;
}

export function buildPullPath(cwmId: string, key: string, ts = '2026-11-24T12:00:01'): string {
  const req = JSON.stringify({ devid: cwmId, ts, lokm: true });
  return `/pull?sha256hmac=${signRequest(req, key)}&req=${encodeURIComponent(req)}`;
}

/**
 * A source of pull paths as CWMs make them: devices take turns, and each device's clock (`ts`) reads one
 * second later at each of its pulls, so the server takes every one (a repeated signed pull is refused as a
 * replay). Signed on the fly: one HMAC per request, a few microseconds of the client's time.
 */
export function createPullSource(keys: Map<string, string>): () => { method: 'GET'; path: string } {
  const ids = [...keys.keys()];
  const startMs = Date.UTC(2026, 10, 24, 12);
  let cursor = 0;
  return () => {
    const n = cursor++;
    const cwmId = ids[n % ids.length] ?? '';
    const ts = new Date(startMs + Math.floor(n / ids.length) * 1000).toISOString().slice(0, 19);
    return { method: 'GET', path: buildPullPath(cwmId, keys.get(cwmId) ?? '', ts) };
  };
}

/**
 * A source of push paths that never repeats one: `count` prepared up front, more signed on the fly
 * past that. Devices take turns, so consecutive pushes come from different CWMs.
 */
export function createPushSource(keys: Map<string, string>, count: number, firstSeq = 1): () => { method: 'POST'; path: string } {
  const ids = [...keys.keys()];
  const pathFor = (seq: number): string => {
    const cwmId = ids[seq % ids.length] ?? '';
    return buildPushPath(cwmId, keys.get(cwmId) ?? '', seq);
  };
  const prepared = Array.from({ length: count }, (_, i) => pathFor(firstSeq + i));
  let cursor = 0;
  return () => {
    const n = cursor++;
    return { method: 'POST', path: prepared[n] ?? pathFor(firstSeq + n) };
  };
}
