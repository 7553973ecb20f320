// Issue 15 "Measured": /push throughput with 20 models of 50 fields each loaded, against the same pushes with
// no dictionary for them (only the built-in models), in the same run, arms alternated. Every heartbeat carries
// the 50 fields of its model (about 2 % of values do not fit, so mismatch counting runs too); the only
// difference between the arms is whether the 20 dictionaries exist. Decoding itself happens on read: what the
// push path gains is the mismatch check after each stored heartbeat (mismatch-counter.ts).
//
// `npx tsx bench/dictionary-push.ts [--rounds 2] [--duration-s 15] [--warm-up-s 3] [--devices 500] [--connections 64]`
// The load client runs in this process, the server in its own (scripts/opentps-dev.mjs serve --http).

import { parseArgs } from 'node:util';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import type { DictionaryField, EquipmentModel } from '../src/domain/equipment-model/data-dictionary.js';
import { parseEquipmentModel } from '../src/domain/equipment-model/dictionary-validation.js';
import { sealOkmCrc } from '../src/protocol/okm-crc.js';
import { signRequest } from '../src/protocol/request-signature.js';
import { environmentHeader, formatTable, writeResults, type BenchRow } from './support/bench-report.js';
import { prepareDataDir, startOpenTps } from './support/bench-server.js';
import { runLoad } from './support/load-client.js';
import { measureServer } from './support/measure.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    'duration-s': { type: 'string', default: '15' },
    'warm-up-s': { type: 'string', default: '3' },
    devices: { type: 'string', default: '500' },
    connections: { type: 'string', default: '64' },
  },
});
const rounds = Number(values.rounds);
const durationMs = Number(values['duration-s']) * 1000;
const warmUpMs = Number(values['warm-up-s']) * 1000;
const deviceCount = Number(values.devices);
const connections = Number(values.connections);

const MODEL_COUNT = 20;
const FIELDS_PER_MODEL = 50;

function modelIdOf(index: number): string {
  return `d0${index.toString(16).padStart(2, '0')}`;
}

/** Field k of every bench model: numbers with scale, enums, bitmasks and booleans in turn. */
function fieldOf(k: number): DictionaryField {
  const key = `f${k.toString().padStart(2, '0')}`;
  switch (k % 4) {
    case 0:
      return { key, label: `Temperature ${k}`, class: 'telemetry', type: 'number', unit: 'Cel', scale: 0.1, precision: 1, min: -50, max: 400, haccp: k % 8 === 0 };
    case 1:
      return { key, label: `Mode ${k}`, class: 'telemetry', type: 'enum', enumLabels: { '0': 'off', '1': 'heating', '2': 'ready', '3': 'cooking' } };
    case 2:
      return { key, label: `Alarms ${k}`, class: 'telemetry', type: 'bitmask', bitLabels: { '0': 'high limit', '1': 'probe', '2': 'ignition' } };
    default:
      return { key, label: `Door ${k}`, class: 'telemetry', type: 'boolean' };
  }
}

function benchModels(): EquipmentModel[] {
  return Array.from({ length: MODEL_COUNT }, (_, m) =>
    parseEquipmentModel({ modelId: modelIdOf(m), name: `Bench model ${m}`, maker: 'bench', kind: 'fryer', fields: Array.from({ length: FIELDS_PER_MODEL }, (__, k) => fieldOf(k)) }),
  );
}

/** A heartbeat with every field of the model; one value in 50 does not fit (an unknown enum value). */
function heartbeatOf(seq: number): Record<string, unknown> {
  const heartbeat: Record<string, unknown> = {};
  for (let k = 0; k < FIELDS_PER_MODEL; k++) {
    const roll = (seq * 31 + k * 7) % 100;
    switch (k % 4) {
      case 0:
        heartbeat[`f${k.toString().padStart(2, '0')}`] = 1700 + roll;
        break;
      case 1:
        heartbeat[`f${k.toString().padStart(2, '0')}`] = roll < 2 ? 99 : roll % 4;
        break;
      case 2:
        heartbeat[`f${k.toString().padStart(2, '0')}`] = roll < 5 ? 1 : 0;
        break;
      default:
        heartbeat[`f${k.toString().padStart(2, '0')}`] = roll % 2 === 0;
    }
  }
  return heartbeat;
}

function pushPath(cwmId: string, key: string, seq: number): string {
  const origin = `${modelIdOf(seq % MODEL_COUNT)}${cwmId.slice(4)}`;
  const okm = sealOkmCrc(`{"_src":["${origin}","${cwmId}"],"_cmd":"wr","_id":${seq},"_ts":"2026-11-24T12:00:00","_crc":"0000","_pld":${JSON.stringify({ _hbt: heartbeatOf(seq) })}}`);
  const req = `{"okm":${okm},"ts":"2026-11-24T12:00:01"}`;
  return `/push?sha256hmac=${signRequest(req, key)}&req=${encodeURIComponent(req)}`;
}

async function measureArm(name: string, withModels: boolean, round: number): Promise<BenchRow> {
  const { dataDir, keys } = await prepareDataDir(deviceCount);
  if (withModels) {
    const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 });
    for (const model of benchModels()) await store.saveModel(model, 'bench', Date.now());
    await store.close();
  }
  const server = await startOpenTps(dataDir, ['--http']);
  try {
    const ids = [...keys.keys()];
    // Paths are signed ahead for the warm-up and the measured window (about 3,000 pushes/s at most here).
    const total = Math.ceil(((durationMs + warmUpMs) / 1000) * 3000);
    const firstSeq = 1 + round * 10_000_000;
    const prepared = Array.from({ length: total }, (_, i) => {
      const seq = firstSeq + i;
      const cwmId = ids[seq % ids.length] ?? '';
      return pushPath(cwmId, keys.get(cwmId) ?? '', seq);
    });
    let cursor = 0;
    const next = () => {
      const n = cursor++;
      const seq = firstSeq + n;
      const cwmId = ids[seq % ids.length] ?? '';
      return { method: 'POST' as const, path: prepared[n] ?? pushPath(cwmId, keys.get(cwmId) ?? '', seq) };
    };
    const load = (ms: number) => () => runLoad({ url: server.url, ca: null, connections, durationMs: ms, nextRequest: next });
    return await measureServer(`${name} (round ${round + 1})`, server, load(durationMs), load(warmUpMs));
  } finally {
    await server.stop();
  }
}

const rows: BenchRow[] = [];
for (let round = 0; round < rounds; round++) {
  rows.push(await measureArm('/push, 50-field heartbeats, no dictionary for them (baseline)', false, round));
  rows.push(await measureArm('/push, 50-field heartbeats, 20 models x 50 fields loaded', true, round));
}
const mean = (withModels: boolean, pick: (row: BenchRow) => number) => {
  const picked = rows.filter((row) => row.scenario.includes('loaded') === withModels).map(pick);
  return picked.reduce((sum, value) => sum + value, 0) / picked.length;
};
const ratio = mean(true, (row) => row.requestsPerS) / mean(false, (row) => row.requestsPerS);
const p99Ratio = mean(true, (row) => row.p99Ms) / mean(false, (row) => row.p99Ms);
const header = environmentHeader();
console.log(header);
console.log(formatTable(rows));
console.log(`\nthroughput loaded / baseline: ${ratio.toFixed(3)}; p99 loaded / baseline: ${p99Ratio.toFixed(3)} (means over ${rounds} rounds of ${durationMs / 1000} s, arms alternated)`);
console.log(`written to ${writeResults('dictionary-push', { header, settings: { rounds, durationMs, warmUpMs, deviceCount, connections, models: MODEL_COUNT, fieldsPerModel: FIELDS_PER_MODEL }, rows, ratio, p99Ratio })}`);
