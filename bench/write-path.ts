// Scenario: the embedded store's push write path at fleet scale, in process (no HTTP, no TLS): what one
// stored push costs in CPU and bytes written when pushes come from many distinct devices, against the same
// rate from a few devices (the closed loop's pattern), as a ratio. Pushes arrive the way a busy HTTPS node
// sees them: a few per event-loop turn (--per-turn), paced at --rate pushes/s, each from the next source of a
// shuffled round of every CWM and OKE. Every source has pushed once before the measured window (warm-up:
// its device and state rows exist), and the store runs as the server runs it (durability full, background
// checkpoints, WAL bound).
// Not part of `npm run bench`; run it alone:
//   node --import tsx bench/write-path.ts [--cwms 60000] [--okes 2] [--rate 2500] [--per-turn 2] [--seconds 30] [--src DIR]
// `--src` loads the store from another copy of src/ (`git archive <commit> src | tar -x -C /tmp/base`): the
// figure of another version, same machine, same run.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHeartbeatFleet } from './support/heartbeat-records.js';
import { createSeededRandom } from '../src/simulator/seeded-random.js';

type SqliteStoreModule = typeof import('../src/adapters/storage/sqlite/sqlite-store.js');

const { values } = parseArgs({
  options: {
    cwms: { type: 'string', default: '60000' },
    small: { type: 'string', default: '100' },
    okes: { type: 'string', default: '2' },
    rate: { type: 'string', default: '2500' },
    'per-turn': { type: 'string', default: '2' },
    seconds: { type: 'string', default: '30' },
    'commit-window-ms': { type: 'string', default: '0' },
    'min-commit-interval-ms': { type: 'string', default: '0' },
    src: { type: 'string' },
  },
});
const srcDir = resolve(values.src ?? join(import.meta.dirname, '../src'));
const { openSqliteStore } = (await import(pathToFileURL(join(srcDir, 'adapters/storage/sqlite/sqlite-store.ts')).href)) as SqliteStoreModule;
const okesPerCwm = Number(values.okes);
const ratePerS = Number(values.rate);
const perTurn = Number(values['per-turn']);
const measureMs = Number(values.seconds) * 1000;

/** Bytes this process has caused to be written to storage so far (Linux /proc/self/io). */
function writtenBytes(): number {
  const match = /write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

/** CPU seconds of this process's main thread so far (Linux /proc/self/task/<pid>/stat: utime + stime). */
function mainThreadCpuSeconds(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Figures {
  readonly cwms: number;
  readonly pushes: number;
  readonly pushesPerS: number;
  readonly cpuMsPerPush: number;
  readonly systemCpuMsPerPush: number;
  readonly mainThreadCpuMsPerPush: number;
  readonly kbWrittenPerPush: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

async function run(cwmCount: number): Promise<Figures> {
  const fleet = createHeartbeatFleet(cwmCount, okesPerCwm);
  const sources = fleet.cwmIds.flatMap((cwmId, c) => [cwmId, ...(fleet.okes[c] ?? []).map((oke) => oke.id)].map((id) => ({ c, id })));
  const random = createSeededRandom(7);
  const dataDir = mkdtempSync(join(tmpdir(), 'opentps-write-path-'));
  const store = openSqliteStore({ dataDir, durability: 'full', busyTimeoutMs: 10_000, backgroundCheckpointMs: 1000, maxWalBytes: 256 * 2 ** 20, commitWindowMs: Number(values['commit-window-ms']), minCommitIntervalMs: Number(values['min-commit-interval-ms']) });
  try {
    const startMs = Date.now();
    await Promise.all(fleet.cwmIds.map((id, i) => store.addDevice({ id, key: `key-${i}-of-the-fleet`, name: null, createdAtMs: startMs })));
    // Warm-up: every source pushes once (device and state rows exist, as on a node that has run a while).
    for (let i = 0; i < sources.length; i += 5000) {
      await Promise.all(sources.slice(i, i + 5000).map(({ c, id }) => store.recordPush(fleet.heartbeat(c, id, Date.now()))));
    }
    await new Promise((done) => setTimeout(done, 2000));

    const order = sources.map((s) => ({ s, k: random.next() })).sort((a, b) => a.k - b.k).map(({ s }) => s);
    const latencies: number[] = [];
    let next = 0;
    let sent = 0;
    const inFlight = new Set<Promise<unknown>>();
    const cpuBefore = process.cpuUsage();
    const bytesBefore = writtenBytes();
    const mainBefore = mainThreadCpuSeconds();
    const started = performance.now();
    while (performance.now() - started < measureMs) {
      const due = Math.floor(((performance.now() - started) / 1000) * ratePerS);
      const count = Math.min(perTurn, due - sent);
      for (let i = 0; i < count; i++) {
        const source = order[next++ % order.length];
        if (!source) break;
        const t0 = performance.now();
        const push = store.recordPush(fleet.heartbeat(source.c, source.id, Date.now())).then(() => {
          latencies.push(performance.now() - t0);
          inFlight.delete(push);
        });
        inFlight.add(push);
        sent++;
      }
      // One event-loop turn, like a server that read `perTurn` requests from its sockets.
      await new Promise((done) => setImmediate(done));
    }
    await Promise.all(inFlight);
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const bytes = writtenBytes() - bytesBefore;
    const mainCpuS = mainThreadCpuSeconds() - mainBefore;
    const sorted = Float64Array.from(latencies).sort();
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
    return {
      cwms: cwmCount,
      pushes: sent,
      pushesPerS: sent / elapsedS,
      cpuMsPerPush: (cpu.user + cpu.system) / 1000 / sent,
      systemCpuMsPerPush: cpu.system / 1000 / sent,
      mainThreadCpuMsPerPush: (mainCpuS * 1000) / sent,
      kbWrittenPerPush: bytes / 1024 / sent,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: sorted.at(-1) ?? 0,
    };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`# write path, in process: node ${process.version}, ${process.platform} ${process.arch}, ${cpus()[0]?.model ?? '?'} x${cpus().length}`);
console.log(`# store from ${srcDir}; ${okesPerCwm} OKEs per CWM; ${ratePerS} pushes/s offered, ${perTurn} per event-loop turn; ${measureMs / 1000} s measured after warm-up`);
const small = Number(values.small) > 0 ? await run(Number(values.small)) : null;
const large = await run(Number(values.cwms));
const row = (f: Figures): string =>
  `| ${f.cwms.toLocaleString('en')} CWMs | ${f.pushesPerS.toFixed(0)} | ${f.cpuMsPerPush.toFixed(3)} | ${f.systemCpuMsPerPush.toFixed(3)} | ${f.mainThreadCpuMsPerPush.toFixed(3)} | ${f.kbWrittenPerPush.toFixed(1)} | ${f.p50Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.maxMs.toFixed(1)} |`;
console.log('| fleet | pushes/s | CPU ms/push (all threads) | of which kernel | main thread | KB written/push | p50 ms | p99 ms | max ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
if (small) console.log(row(small));
console.log(row(large));
if (small) console.log(`fleet/small: CPU per push x${(large.cpuMsPerPush / small.cpuMsPerPush).toFixed(2)}, bytes per push x${(large.kbWrittenPerPush / small.kbWrittenPerPush).toFixed(2)}`);
