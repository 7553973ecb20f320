// The soak scenario's samples (one per 10-s window), their table, and the verdicts drawn from them.

import { percentile } from './load-client.js';

export interface SoakSample {
  /** Seconds since the measured run began, at the end of the window. */
  readonly atS: number;
  readonly requestsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Largest size seen in the window (checked every 250 ms), in MB. */
  readonly recordsWalMaxMb: number;
  readonly trafficWalMaxMb: number;
  readonly recordsDbMb: number;
  readonly trafficDbMb: number;
  readonly serverRssMb: number;
  /** 100 % = one core. */
  readonly serverCpuPercent: number;
  readonly clientCpuPercent: number;
  /** Everything else on the machine over the window (busy CPU of all cores minus server and client). */
  readonly otherCpuPercent: number;
  readonly loadAverage1m: number;
  /** WAL restarts the server logged in the window (both files), and how long writers were held for them. */
  readonly walRestarts: number;
  readonly walNotRestarted: number;
  readonly writersHeldMsTotal: number;
  readonly writersHeldMsMax: number;
}

export interface SoakVerdicts {
  /** The server's --max-wal-mb; null when it has none (0, or a build without the bound). */
  readonly boundMb: number | null;
  readonly maxRecordsWalMb: number;
  readonly maxTrafficWalMb: number;
  /** Length of the first and last spans compared (5 minutes, or half the run when shorter). */
  readonly spanS: number;
  readonly p99FirstMs: number;
  readonly p99LastMs: number;
  readonly rssFirstMb: number;
  readonly rssLastMb: number;
}

const MB = 1024 * 1024;
const COMPARED_SPAN_S = 300;

export function toMb(bytes: number): number {
  return bytes / MB;
}

function mergedP99(windows: readonly Float64Array[]): number {
  const all = new Float64Array(windows.reduce((n, w) => n + w.length, 0));
  let offset = 0;
  for (const window of windows) {
    all.set(window, offset);
    offset += window.length;
  }
  return percentile(all.sort(), 0.99);
}

/** `latencies` holds each window's sorted latencies, in the order of `samples`. */
export function judgeSoak(samples: readonly SoakSample[], latencies: readonly Float64Array[], windowS: number, boundMb: number | null): SoakVerdicts {
  const spanWindows = Math.max(1, Math.min(COMPARED_SPAN_S / windowS, Math.floor(samples.length / 2)));
  return {
    boundMb,
    maxRecordsWalMb: Math.max(0, ...samples.map((s) => s.recordsWalMaxMb)),
    maxTrafficWalMb: Math.max(0, ...samples.map((s) => s.trafficWalMaxMb)),
    spanS: spanWindows * windowS,
    p99FirstMs: mergedP99(latencies.slice(0, spanWindows)),
    p99LastMs: mergedP99(latencies.slice(-spanWindows)),
    rssFirstMb: samples[0]?.serverRssMb ?? Number.NaN,
    rssLastMb: samples.at(-1)?.serverRssMb ?? Number.NaN,
  };
}

export function formatSoakTable(samples: readonly SoakSample[]): string {
  const lines = [
    '| t s | req/s | p50 ms | p99 ms | errors | non-2xx | opentps.db-wal max MB | traffic.db-wal max MB | opentps.db MB | traffic.db MB | server RSS MB | server CPU % | client CPU % | other CPU % | load 1m | WAL restarts | writers held ms (sum, max) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of samples) {
    lines.push(
      `| ${s.atS.toFixed(0)} | ${s.requestsPerS.toFixed(0)} | ${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.errors} | ${s.non2xx} | ` +
        `${s.recordsWalMaxMb.toFixed(1)} | ${s.trafficWalMaxMb.toFixed(1)} | ${s.recordsDbMb.toFixed(1)} | ${s.trafficDbMb.toFixed(1)} | ` +
        `${s.serverRssMb.toFixed(0)} | ${s.serverCpuPercent.toFixed(0)} | ${s.clientCpuPercent.toFixed(0)} | ${s.otherCpuPercent.toFixed(0)} | ${s.loadAverage1m.toFixed(2)} | ` +
        `${s.walRestarts}${s.walNotRestarted > 0 ? ` (+${s.walNotRestarted} not done)` : ''} | ${s.writersHeldMsTotal.toFixed(0)}, ${s.writersHeldMsMax.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

export function formatSoakVerdicts(verdicts: SoakVerdicts): string {
  const span = verdicts.spanS % 60 === 0 ? `${verdicts.spanS / 60} min` : `${verdicts.spanS} s`;
  const largest = Math.max(verdicts.maxRecordsWalMb, verdicts.maxTrafficWalMb);
  const bound = verdicts.boundMb === null
    ? 'the server has no bound'
    : `bound ${verdicts.boundMb} MB per file: ${largest <= verdicts.boundMb ? 'within' : 'OVER'} (${((largest / verdicts.boundMb) * 100).toFixed(0)} %)`;
  return [
    `max WAL (checked every 250 ms): opentps.db-wal ${verdicts.maxRecordsWalMb.toFixed(1)} MB, traffic.db-wal ${verdicts.maxTrafficWalMb.toFixed(1)} MB; ${bound}`,
    `p99 of the last ${span} vs the first ${span}: ${verdicts.p99LastMs.toFixed(2)} / ${verdicts.p99FirstMs.toFixed(2)} ms = ${(verdicts.p99LastMs / verdicts.p99FirstMs).toFixed(2)}`,
    `server RSS first vs last sample: ${verdicts.rssFirstMb.toFixed(0)} -> ${verdicts.rssLastMb.toFixed(0)} MB`,
  ].join('\n');
}

/** How often the server restarted its WAL files and how long writers waited: median and largest per file. */
export function formatWalEvents(events: readonly Record<string, unknown>[]): string {
  const numberOf = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);
  const lines: string[] = [];
  for (const file of [...new Set(events.map((event) => String(event['wal'])))]) {
    const restarts = events.filter((event) => event['wal'] === file && event['msg'] === 'WAL restarted');
    const held = Float64Array.from(restarts.map((event) => numberOf(event['heldMs']))).sort();
    const checkpoint = Float64Array.from(restarts.map((event) => numberOf(event['checkpointMs']))).sort();
    const notDone = events.filter((event) => event['wal'] === file && event['msg'] !== 'WAL restarted').length;
    lines.push(
      `${file.split('/').at(-1)}: ${restarts.length} restarts${notDone > 0 ? ` (+${notDone} not done)` : ''}; writers held ` +
        `median ${percentile(held, 0.5).toFixed(0)} ms, max ${(held.at(-1) ?? Number.NaN).toFixed(0)} ms, ` +
        `of which the RESTART checkpoint median ${percentile(checkpoint, 0.5).toFixed(0)} ms, max ${(checkpoint.at(-1) ?? Number.NaN).toFixed(0)} ms`,
    );
  }
  return lines.length > 0 ? lines.join('\n') : 'no WAL restart logged';
}
