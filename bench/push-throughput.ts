// Benchmark: how many signed, CRC-checked, durably stored /push requests per second one OpenTPS
// node sustains, against the ceiling of a bare Node http server on the same machine and client.
// Usage: npm run bench [-- --duration-s 10 --connections 64 --devices 500]

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { sealOkmCrc } from '../src/protocol/okm-crc.js';
import { signRequest } from '../src/protocol/request-signature.js';
import { runLoad, type LoadResult } from './support/load-client.js';
import { readCpuSeconds, readPeakRssMb } from './support/process-usage.js';

const { values } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    devices: { type: 'string', default: '500' },
  },
});
const durationMs = Number(values['duration-s']) * 1000;
const connections = Number(values.connections);
const deviceCount = Number(values.devices);
const root = join(import.meta.dirname, '..');
/** Enough pre-signed pushes for warm-up plus the measured run at 30,000 req/s. */
const PREPARED_PUSHES = Math.ceil(30_000 * (durationMs + Math.min(2000, durationMs / 4)) / 1000);

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
}

async function startProcess(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /"url":"([^"]+)"/.exec(line);
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'));
    });
  });
  return { child, url };
}

async function stopProcess(started: Started): Promise<void> {
  const exited = once(started.child, 'exit');
  started.child.kill('SIGTERM');
  await exited;
}

interface Row extends LoadResult {
  readonly scenario: string;
  readonly cpuPercent: number;
  readonly peakRssMb: number;
}

async function measure(scenario: string, started: Started, ca: string | null, nextRequest: Parameters<typeof runLoad>[0]['nextRequest']): Promise<Row> {
  const pid = started.child.pid ?? 0;
  // Warm-up: JIT, TLS sessions, SQLite page cache.
  await runLoad({ url: started.url, ca, connections, durationMs: Math.min(2000, durationMs / 4), nextRequest });
  const cpuBefore = readCpuSeconds(pid);
  const result = await runLoad({ url: started.url, ca, connections, durationMs, nextRequest });
  const cpuPercent = ((readCpuSeconds(pid) - cpuBefore) / result.durationS) * 100;
  return { scenario, ...result, cpuPercent, peakRssMb: readPeakRssMb(pid) };
}

/**
 * Pre-signed pushes, built before the clock starts so that the client spends no more per request than
 * it does against the ceiling: each a new heartbeat OKM (never a duplicate), signed, CRC'd, URL-encoded.
 */
function preparePushes(keys: Map<string, string>, firstSeq: number, count: number): string[] {
  const ids = [...keys.keys()];
  const paths: string[] = new Array<string>(count);
  for (let n = 0; n < count; n++) {
    const seq = firstSeq + n;
    const cwmId = ids[seq % ids.length] ?? '';
    const okm = sealOkmCrc(
      `{"_src":["0363${cwmId.slice(4)}","${cwmId}"],"_cmd":"wr","_id":${seq},"_ts":"2026-11-24T12:00:00","_crc":"0000","_pld":{"_hbt":{"temp":${170 + (seq % 20)},"door":${seq % 2},"cook":"idle"}}}`,
    );
    const req = `{"okm":${okm},"ts":"2026-11-24T12:00:01"}`;
    paths[n] = `/push?sha256hmac=${signRequest(req, keys.get(cwmId) ?? '')}&req=${encodeURIComponent(req)}`;
  }
  return paths;
}

/** Serves the prepared paths in order; past the end it signs more on the fly. */
function pushRequests(paths: readonly string[], keys: Map<string, string>, firstSeq: number): (n: number) => { method: 'POST'; path: string } {
  // One cursor across warm-up and measurement: no push is ever sent twice.
  let cursor = 0;
  return () => {
    const n = cursor++;
    return { method: 'POST', path: paths[n] ?? preparePushes(keys, firstSeq + n, 1)[0] ?? '' };
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const ceiling = await startProcess([join(import.meta.dirname, 'support', 'ceiling-server.mjs')]);
  rows.push(await measure('ceiling: bare node http, constant {"pull":false}', ceiling, null, () => ({ method: 'GET', path: '/pull' })));
  await stopProcess(ceiling);

  let offset = 0;
  for (const variant of [
    { name: 'OpenTPS /push, HTTP, durability full (fsync per commit)', args: ['--http', '--durability', 'full'] },
    { name: 'OpenTPS /push, HTTPS, durability full', args: ['--durability', 'full'] },
    { name: 'OpenTPS /push, HTTP, durability normal', args: ['--http', '--durability', 'normal'] },
  ]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'opentps-bench-'));
    const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 });
    const keys = new Map<string, string>();
    for (let i = 0; i < deviceCount; i++) {
      const id = `0002${i.toString(16).padStart(12, '0')}`;
      const key = `bench-key-${i.toString().padStart(6, '0')}`;
      keys.set(id, key);
      await store.addDevice({ id, key, name: null, createdAtMs: Date.now() });
    }
    await store.close();
    const server = await startProcess(['bin/opentps.mjs', 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', ...variant.args].map(String));
    const ca = variant.args.includes('--http') ? null : readFileSync(join(dataDir, 'tls', 'self-signed-cert.pem'), 'utf8');
    const prepared = preparePushes(keys, offset, PREPARED_PUSHES);
    rows.push(await measure(variant.name, server, ca, pushRequests(prepared, keys, offset)));
    offset += 10_000_000;
    await stopProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  }

  const ceilingRps = rows[0]?.requestsPerS ?? Number.NaN;
  const header = `node ${process.version}, ${osType()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; ` +
    `${connections} keep-alive connections, ${durationMs / 1000} s per scenario, ${deviceCount} devices, client and server on the same machine`;
  console.log(`\n${header}\n`);
  console.log('| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | server CPU % | peak RSS MB | ratio to ceiling |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.scenario} | ${row.requestsPerS.toFixed(0)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ${row.errors} | ${row.non2xx} | ` +
        `${row.cpuPercent.toFixed(0)} | ${row.peakRssMb.toFixed(0)} | ${(row.requestsPerS / ceilingRps).toFixed(3)} |`,
    );
  }
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const file = join(import.meta.dirname, 'results', `${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}-push.json`);
  writeFileSync(file, JSON.stringify({ header, connections, durationMs, deviceCount, rows }, null, 2));
  console.log(`\nwritten to ${file}`);
}

await main();
