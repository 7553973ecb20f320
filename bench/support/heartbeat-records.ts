// Push records of simulator-like heartbeats (a CWM's own, and its OKEs' from VirtualOke), built as push
// ingest builds them, for benchmarks that drive a store in process (no HTTP).

import { decodeUpstreamOkm } from '../../src/protocol/upstream-okm.js';
import { sealOkmCrc } from '../../src/protocol/okm-crc.js';
import { dedupKeyOf, heartbeatOf } from '../../src/domain/push-ingest.js';
import type { PushRecord } from '../../src/domain/telemetry-store.js';
import { EXAMPLE_COMBI_OVEN_MODEL, EXAMPLE_FRYER_MODEL } from '../../src/domain/equipment-model/builtin-models.js';
import { VirtualOke } from '../../src/simulator/virtual-oke.js';
import { createSeededRandom, type SeededRandom } from '../../src/simulator/seeded-random.js';

export interface HeartbeatFleet {
  readonly cwmIds: readonly string[];
  /** The OKEs behind each CWM, by CWM index. */
  readonly okes: ReadonlyArray<readonly VirtualOke[]>;
  /** A heartbeat push record of `sourceId` (the CWM or one of its OKEs) received at `atMs`. */
  heartbeat(cwmIndex: number, sourceId: string, atMs: number): PushRecord;
}

export function cwmIdOf(index: number): string {
  return `0002${(0x1000_0000 + index * 7919).toString(16).padStart(12, '0')}`;
}

export function createHeartbeatFleet(cwmCount: number, okesPerCwm: number, seed = 12): HeartbeatFleet {
  const random: SeededRandom = createSeededRandom(seed);
  const cwmIds = Array.from({ length: cwmCount }, (_, i) => cwmIdOf(i));
  // Three fryers to a combi oven, as the simulator's fleet plan; heartbeats 60 s apart, as `opentps sim` by default.
  const okes = cwmIds.map((_, c) =>
    Array.from({ length: okesPerCwm }, (__, k) => {
      const model = k % 4 === 3 ? EXAMPLE_COMBI_OVEN_MODEL.modelId : EXAMPLE_FRYER_MODEL.modelId;
      return new VirtualOke({ id: `${model}${(c * 16 + k).toString(16).padStart(12, '0')}`, model }, random, 60);
    }),
  );
  const nextId = new Map<string, number>();

  /** The heartbeat of a CWM as the simulator makes it (virtual-cwm.ts cwmHeartbeat). */
  const cwmHeartbeat = (): Record<string, unknown> => ({
    ti: Math.round((36 + random.next() * 6) * 10) / 10, diag: [0, 0, 0, 0], cfgpend: false, scan: false, port: 'usb', baud: 115200,
    sidx: 0, smax: 19, txp: random.next() < 0.3, msf: [10000, 100, 10], rcon: '0003', '5v': 4950 + random.integer(0, 100),
    '12v': 11900 + random.integer(0, 250), if: random.next() < 0.5 ? 'wifi' : 'eth',
  });

  return {
    cwmIds,
    okes,
    heartbeat(cwmIndex, sourceId, atMs) {
      const cwmId = cwmIds[cwmIndex] ?? '';
      const oke = okes[cwmIndex]?.find((o) => o.id === sourceId);
      const hbt = oke ? oke.heartbeat() : cwmHeartbeat();
      const okmId = nextId.get(sourceId) ?? 1;
      nextId.set(sourceId, okmId + 1);
      const source = sourceId === cwmId ? [cwmId] : [sourceId, cwmId];
      const ts = new Date(atMs).toISOString().slice(0, 19);
      const text = sealOkmCrc(`{"_src":${JSON.stringify(source)},"_cmd":"wr","_id":${okmId},"_ts":"${ts}","_crc":"0000","_pld":${JSON.stringify({ _hbt: hbt })}}`);
      const okm = decodeUpstreamOkm(text, JSON.parse(text));
      return {
        cwmId, originId: okm.originId, cmd: okm.cmd, okmId: okm.id, ts: okm.ts, tsEpochMs: atMs, isTsLocal: true, receivedAtMs: atMs,
        crcVerdict: okm.crc.verdict, crcReceived: okm.crc.received, crcExpected: okm.crc.expected, auth: 'hmac', rawOkm: text,
        payload: okm.payload, envelope: { ts }, remoteAddress: `198.51.100.${1 + (cwmIndex % 200)}`, dedupKey: dedupKeyOf(okm),
        heartbeat: heartbeatOf(okm), answerCandidate: null,
      };
    },
  };
}
