// Scenario: decoding one typical /push `req` (a ~200-byte heartbeat OKM inside it) in process, no I/O:
// the CPU cost the protocol codec adds to every push. Not part of `npm run bench` (a server-level run);
// run it alone, in one minute or less:
//   node --import tsx bench/push-decode.ts [--iterations 200000] [--rounds 3] [--src DIR]
// `--src` points at another copy of src/ (e.g. `git archive <commit> src | tar -x -C /tmp/base`) so two
// versions of the codec can be compared on the same machine, in alternating runs.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, release, type as osType } from 'node:os';

type PushRequestModule = typeof import('../src/protocol/push-request.js');
type OkmCrcModule = typeof import('../src/protocol/okm-crc.js');

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    src: { type: 'string', default: resolve(import.meta.dirname, '..', 'src') },
  },
});
const iterations = Number(values.iterations);
const rounds = Number(values.rounds);
const srcDir = resolve(values.src);
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(srcDir, path)).href)) as T;
const { decodePushRequest } = await load<PushRequestModule>('protocol/push-request.ts');
const { sealOkmCrc } = await load<OkmCrcModule>('protocol/okm-crc.ts');

// An OKE heartbeat as a CWM forwards it: [OKE, CWM] source, vendor key order, a handful of fields.
const okm = sealOkmCrc(
  '{"_src":["036334d0b8df1f05","0002010203040506"],"_cmd":"wr","_id":192,"_ts":"2026-11-24T12:00:00","_crc":"0000",' +
    '"_pld":{"_hbt":{"temp":180,"setp":350,"door":0,"state":2,"cook":"idle","alarm":[0,0,1],"fan":{"rpm":1200}}}}',
);
const reqText = `{"okm":${okm},"ts":"2026-11-24T12:00:01"}`;
const maxOkmBytes = 16 * 1024;

let sink = 0;
const decodeOnce = (): void => {
  sink += decodePushRequest(reqText, maxOkmBytes).okm.text.length;
};

function throughputOpsPerS(): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) decodeOnce();
  return iterations / (Number(process.hrtime.bigint() - started) / 1e9);
}

function latencyPercentilesUs(): { p50: number; p99: number } {
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    decodeOnce();
    samples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  samples.sort();
  return { p50: samples[Math.floor(iterations * 0.5)] ?? 0, p99: samples[Math.floor(iterations * 0.99)] ?? 0 };
}

for (let i = 0; i < 20_000; i++) decodeOnce(); // warm-up: let the JIT settle
const opsPerS: number[] = [];
for (let round = 0; round < rounds; round++) opsPerS.push(throughputOpsPerS());
const latency = latencyPercentilesUs();
const median = [...opsPerS].sort((a, b) => a - b)[Math.floor(rounds / 2)] ?? 0;

console.log(`node ${process.version}, ${osType()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; one process, no I/O`);
console.log(`src: ${srcDir}; req ${reqText.length} characters (OKM ${okm.length}); ${rounds} rounds of ${iterations} decodes`);
console.log('| scenario | ops/s (median) | ops/s (rounds) | p50 us | p99 us |');
console.log('|---|---:|---:|---:|---:|');
console.log(
  `| decodePushRequest, heartbeat req | ${median.toFixed(0)} | ${opsPerS.map((n) => n.toFixed(0)).join(' / ')} | ` +
    `${latency.p50.toFixed(2)} | ${latency.p99.toFixed(2)} |`,
);
if (sink === 0) console.log('(nothing decoded)');
