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

function pushRequests(keys: Map<string, string>, startAt: number): (n: number) => { method: 'POST'; path: string } {
  const ids = [...keys.keys()];
  return (n) => {
    const seq = startAt + n;
    const cwmId = ids[seq % ids.length] ?? '';
    const okm = sealOkmCrc(
      `{"_src":["0363${cwmId.slice(4)}","${cwmId}"],"_cmd":"wr","_id":${seq},"_ts":"2026-11-24T12:00:00","_crc":"0000","_pld":{"_hbt":{"temp":${170 + (seq % 20)},"door":${seq % 2},"cook":"idle"}}}`,
    );
    const req = `{"okm":${okm},"ts":"2026-11-24T12:00:01"}`;
    return { method: 'POST', path: `/push?sha256hmac=${signRequest(req, keys.get(cwmId) ?? '')}&req=${encodeURIComponent(req)}` };
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
    rows.push(await measure(variant.name, server, ca, pushRequests(keys, offset)));
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
