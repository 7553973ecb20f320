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
  /** Figures only some scenarios measure (the realistic fleet); a column appears when a row has it. */
  readonly maxMs?: number;
  /** 503 answers, also counted in non2xx. */
  readonly busy?: number;
  /** CPU of the server's main thread (its event loop) alone, where the server's total is cpuPercent. */
  readonly mainThreadCpuPercent?: number;
  /** The load client's event-loop lag p99 (how late its timers ran): latencies it measures include it. */
  readonly clientLagP99Ms?: number;
  readonly walMb?: number;
  /** OKMs the virtual CWMs still held when the load client stopped. */
  readonly queuedAtEnd?: number;
}

type OptionalColumn = 'maxMs' | 'busy' | 'mainThreadCpuPercent' | 'clientLagP99Ms' | 'walMb' | 'queuedAtEnd';

/** Header and number format of each optional column, in table order. */
const OPTIONAL_COLUMNS: ReadonlyArray<{ readonly key: OptionalColumn; readonly header: string; readonly digits: number }> = [
  { key: 'maxMs', header: 'max ms', digits: 1 },
  { key: 'busy', header: '503', digits: 0 },
  { key: 'mainThreadCpuPercent', header: 'server main thread CPU %', digits: 0 },
  { key: 'clientLagP99Ms', header: 'client loop lag p99 ms', digits: 1 },
  { key: 'walMb', header: 'WAL MB', digits: 1 },
  { key: 'queuedAtEnd', header: 'queued at end', digits: 0 },
];

export function environmentHeader(): string {
  return `node ${process.version}, ${osType()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB; load client and server on the same machine`;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const optional = OPTIONAL_COLUMNS.filter((column) => rows.some((row) => row[column.key] !== undefined));
  const lines = [
    `| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | server CPU % | client CPU % | peak RSS MB | ratio to ceiling |${optional.map((column) => ` ${column.header} |`).join('')}`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|${optional.map(() => '---:|').join('')}`,
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario}${row.note ? ` (${row.note})` : ''} | ${row.requestsPerS.toFixed(0)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ` +
        `${row.errors} | ${row.non2xx} | ${row.cpuPercent.toFixed(0)} | ${row.clientCpuPercent === undefined ? '-' : row.clientCpuPercent.toFixed(0)} | ${row.peakRssMb.toFixed(0)} | ${row.ratioToCeiling === null ? '-' : row.ratioToCeiling.toFixed(3)} |` +
        optional.map((column) => ` ${row[column.key]?.toFixed(column.digits) ?? '-'} |`).join(''),
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
