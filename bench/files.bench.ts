// Scenario: file downloads (PROTOCOL.md A7). Ranged 4 KB reads (requests/s) and whole-file downloads
// (MB/s) of one 32 MB file, from OpenTPS (plain HTTP, default durability: every request is recorded as
// traffic and as a transfer row) and from nginx serving the same bytes from disk on the same machine:
// the ceiling. Each OpenTPS row carries its ratio to the nginx row of the same kind.

import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../src/config/load-config.js';
import { openServices } from '../src/main.js';
import type { BenchSettings } from './bench-settings.js';
import type { BenchRow } from './support/bench-report.js';
import { createBenchDataDir, startOpenTps } from './support/bench-server.js';
import { runFileLoad, type FileLoadResult } from './support/file-load.js';
import { readCpuSeconds, readPeakRssMb } from './support/process-usage.js';
import { NGINX_BINARY, startNginx } from './support/nginx-server.js';

const FILE_BYTES = 32 * 1024 * 1024;
const RANGE_BYTES = 4096;
/** Whole-file downloads use fewer connections: each one moves 32 MB per request. */
const WHOLE_FILE_CONNECTIONS = 8;
const FILE_NAME = 'fw-bench.bin';

interface Target {
  readonly name: string;
  readonly url: string;
  /** The process doing the work (nginx's worker, not its master). */
  readonly pid: number;
}

/** nginx's master forks the worker that serves: its only child. */
function workerPidOf(masterPid: number): number {
  try {
    const children = readFileSync(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    return children.find((pid) => pid > 0) ?? masterPid;
  } catch {
    return masterPid;
  }
}

function toRow(scenario: string, target: Target, result: FileLoadResult, cpuSeconds: number, note?: string): BenchRow {
  return {
    scenario: `${target.name} ${scenario}`,
    requestsPerS: result.requestsPerS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuPercent: (cpuSeconds / result.durationS) * 100,
    peakRssMb: readPeakRssMb(target.pid),
    ratioToCeiling: null,
    ...(note === undefined ? {} : { note }),
  };
}

async function measure(target: Target, settings: BenchSettings): Promise<{ ranged: BenchRow; whole: BenchRow }> {
  const blocks = FILE_BYTES / RANGE_BYTES;
  // A fixed pseudo-random walk over the 4 KB blocks, the same for every target.
  const rangedRequest = (n: number) => {
    const block = (n * 2654435761) % blocks;
    return { path: `/${FILE_NAME}`, headers: { range: `bytes=${block * RANGE_BYTES}-${block * RANGE_BYTES + RANGE_BYTES - 1}` } };
  };
  const wholeRequest = () => ({ path: `/${FILE_NAME}`, headers: {} });
  await runFileLoad({ url: target.url, connections: settings.connections, durationMs: settings.warmUpMs, nextRequest: rangedRequest, expectedBytes: RANGE_BYTES });
  let cpu = readCpuSeconds(target.pid);
  const ranged = await runFileLoad({ url: target.url, connections: settings.connections, durationMs: settings.durationMs, nextRequest: rangedRequest, expectedBytes: RANGE_BYTES });
  const rangedCpu = readCpuSeconds(target.pid) - cpu;
  cpu = readCpuSeconds(target.pid);
  const whole = await runFileLoad({ url: target.url, connections: WHOLE_FILE_CONNECTIONS, durationMs: settings.durationMs, nextRequest: wholeRequest, expectedBytes: FILE_BYTES });
  const wholeCpu = readCpuSeconds(target.pid) - cpu;
  return {
    ranged: toRow(`ranged 4 KB reads of a 32 MB file, ${settings.connections} connections`, target, ranged, rangedCpu, `${ranged.megabytesPerS.toFixed(1)} MB/s`),
    whole: toRow(`whole 32 MB file downloads, ${WHOLE_FILE_CONNECTIONS} connections`, target, whole, wholeCpu, `${whole.megabytesPerS.toFixed(0)} MB/s`),
  };
}

/** Ratio of MB/s (whole file) or req/s (ranged) to the nginx row of the same kind. */
function withRatio(row: BenchRow, ceiling: BenchRow | null): BenchRow {
  return ceiling === null ? row : { ...row, ratioToCeiling: row.requestsPerS / ceiling.requestsPerS };
}

export async function benchFiles(settings: BenchSettings, log: (line: string) => void): Promise<BenchRow[]> {
  const fileDir = mkdtempSync(join(tmpdir(), 'opentps-bench-files-'));
  const content = randomBytes(FILE_BYTES);
  writeFileSync(join(fileDir, FILE_NAME), content);
  // nginx's worker may run as another user: let it read the directory.
  chmodSync(fileDir, 0o755);
  const dataDir = createBenchDataDir();
  const services = await openServices(loadConfig({ data: dataDir }, {}));
  await services.files.addFile(FILE_NAME, Readable.from([content]), { uploadedBy: 'bench' });
  await services.store.close();
  const rows: BenchRow[] = [];
  try {
    const nginx = await startNginx(fileDir);
    let nginxRows: { ranged: BenchRow; whole: BenchRow } | null = null;
    if (nginx === null) log(`  ${NGINX_BINARY} is not installed: the nginx ceiling rows are skipped`);
    else {
      try {
        nginxRows = await measure({ name: 'nginx 1 worker, sendfile:', url: nginx.url, pid: workerPidOf(nginx.child.pid ?? 0) }, settings);
      } finally {
        await nginx.stop();
      }
    }
    const server = await startOpenTps(dataDir, ['--http', '--file-requests-per-minute', '10000000']);
    try {
      const opentps = await measure({ name: 'OpenTPS /<name>, HTTP, durable:', url: server.url, pid: server.child.pid ?? 0 }, settings);
      if (nginxRows !== null) rows.push({ ...nginxRows.ranged, ratioToCeiling: 1 }, { ...nginxRows.whole, ratioToCeiling: 1 });
      rows.push(withRatio(opentps.ranged, nginxRows?.ranged ?? null), withRatio(opentps.whole, nginxRows?.whole ?? null));
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(fileDir, { recursive: true, force: true });
  }
  return rows;
}
