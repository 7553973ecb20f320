// One row per scenario, the environment header, the table, and the results file.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, type as osType, totalmem } from 'node:os';
import { join } from 'node:path';

export interface BenchRow {
  readonly scenario: string;
  readonly requestsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly cpuPercent: number;
  /** CPU of the load client's process (the bench itself) over the measured window, where measured. */
  readonly clientCpuPercent?: number;
  readonly peakRssMb: number;
  /** Ratio of requests/s to the ceiling; null where not comparable. */
  readonly ratioToCeiling: number | null;
  readonly note?: string;
}

export function environmentHeader(): string {
  return `node ${process.version}, ${osType()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB; load client and server on the same machine`;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | server CPU % | client CPU % | peak RSS MB | ratio to ceiling |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario}${row.note ? ` (${row.note})` : ''} | ${row.requestsPerS.toFixed(0)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ` +
        `${row.errors} | ${row.non2xx} | ${row.cpuPercent.toFixed(0)} | ${row.clientCpuPercent === undefined ? '-' : row.clientCpuPercent.toFixed(0)} | ${row.peakRssMb.toFixed(0)} | ${row.ratioToCeiling === null ? '-' : row.ratioToCeiling.toFixed(3)} |`,
    );
  }
  return lines.join('\n');
}

export function writeResults(name: string, content: unknown): string {
  const dir = join(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}-${name}.json`);
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}
