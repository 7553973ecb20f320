// Scenario: decoding one typical /push `req` (a ~200-byte heartbeat OKM inside it) in process, no I/O:
// the CPU cost the protocol codec adds to every push. Not part of `npm run bench` (a server-level run);
// run it alone, in one minute or less:
//   node --import tsx bench/push-decode.ts [--iterations 200000] [--rounds 5] [--compare DIR]
// `--compare` loads a second copy of src/ (e.g. `git archive <commit> src | tar -x -C /tmp/base`, then
// `--compare /tmp/base/src`) and alternates rounds of the two in this one process, so both see the same
// machine load (on shared cores, separate runs differ by more than what is being measured), and prints
// the ratio of their median ops/s.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, release, type as osType } from 'node:os';

type PushRequestModule = typeof import('../src/protocol/push-request.js');
type OkmCrcModule = typeof import('../src/protocol/okm-crc.js');

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '5' },
    compare: { type: 'string' },
  },
});
const iterations = Number(values.iterations);
const rounds = Number(values.rounds);

interface Codec {
  readonly label: string;
  readonly decodePushRequest: PushRequestModule['decodePushRequest'];
  readonly sealOkmCrc: OkmCrcModule['sealOkmCrc'];
}

async function loadCodec(srcDir: string, label: string): Promise<Codec> {
  const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(srcDir, path)).href)) as T;
  const { decodePushRequest } = await load<PushRequestModule>('protocol/push-request.ts');
  const { sealOkmCrc } = await load<OkmCrcModule>('protocol/okm-crc.ts');
  return { label, decodePushRequest, sealOkmCrc };
}

const codecs = [await loadCodec(resolve(import.meta.dirname, '..', 'src'), 'this src')];
if (values.compare !== undefined) codecs.push(await loadCodec(resolve(values.compare), resolve(values.compare)));

// An OKE heartbeat as a CWM forwards it: [OKE, CWM] source, vendor key order, a handful of fields.
const okm = (codecs[0] as Codec).sealOkmCrc(
  '{"_src":["036334d0b8df1f05","0002010203040506"],"_cmd":"wr","_id":192,"_ts":"2026-11-24T12:00:00","_crc":"0000",' +
    '"_pld":{"_hbt":{"temp":180,"setp":350,"door":0,"state":2,"cook":"idle","alarm":[0,0,1],"fan":{"rpm":1200}}}}',
);
const reqText = `{"okm":${okm},"ts":"2026-11-24T12:00:01"}`;
const maxOkmBytes = 16 * 1024;

let sink = 0;

function throughputOpsPerS(codec: Codec): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += codec.decodePushRequest(reqText, maxOkmBytes).okm.text.length;
  return iterations / (Number(process.hrtime.bigint() - started) / 1e9);
}

function latencyPercentilesUs(codec: Codec): { p50: number; p99: number } {
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    sink += codec.decodePushRequest(reqText, maxOkmBytes).okm.text.length;
    samples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  samples.sort();
  return { p50: samples[Math.floor(iterations * 0.5)] ?? 0, p99: samples[Math.floor(iterations * 0.99)] ?? 0 };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

for (const codec of codecs) for (let i = 0; i < 20_000; i++) sink += codec.decodePushRequest(reqText, maxOkmBytes).okm.text.length; // warm-up
const opsPerS = codecs.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) codecs.forEach((codec, index) => opsPerS[index]?.push(throughputOpsPerS(codec)));
const latencies = codecs.map((codec) => latencyPercentilesUs(codec));

console.log(`node ${process.version}, ${osType()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; one process, no I/O`);
console.log(`req ${reqText.length} characters (OKM ${okm.length}); ${rounds} alternating rounds of ${iterations} decodes per src`);
console.log('| scenario | ops/s (median) | ops/s (rounds) | p50 us | p99 us |');
console.log('|---|---:|---:|---:|---:|');
codecs.forEach((codec, index) => {
  const rows = opsPerS[index] ?? [];
  const latency = latencies[index] ?? { p50: 0, p99: 0 };
  console.log(
    `| decodePushRequest, heartbeat req (${codec.label}) | ${median(rows).toFixed(0)} | ${rows.map((n) => n.toFixed(0)).join(' / ')} | ` +
      `${latency.p50.toFixed(2)} | ${latency.p99.toFixed(2)} |`,
  );
});
if (codecs.length === 2) console.log(`ratio this src / compared src: ${(median(opsPerS[0] ?? []) / median(opsPerS[1] ?? [])).toFixed(3)}`);
if (sink === 0) console.log('(nothing decoded)');
