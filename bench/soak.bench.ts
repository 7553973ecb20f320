// Scenario: soak. A closed loop of signed pushes from 30,000 registered CWMs (each push a new heartbeat,
// durable, recorded as traffic) for --soak-minutes, sampled every 10 s: what grows without bound over a
// long run (the WAL files, the databases, the server's memory) and whether latency drifts with it.

import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config/load-config.js';
import { prepareDataDir, startOpenTps } from './support/bench-server.js';
import type { BenchRow } from './support/bench-report.js';
import { percentile } from './support/load-client.js';
import { readCpuSeconds, readMachineBusySeconds, readPeakRssMb, readRssMb } from './support/process-usage.js';
import { createPushSource } from './support/signed-requests.js';
import { formatSoakTable, formatSoakVerdicts, formatWalEvents, judgeSoak, toMb, type SoakSample, type SoakVerdicts } from './support/soak-report.js';
import { startClosedLoop } from './support/windowed-load.js';

export const SOAK_CWMS = 30_000;
const WINDOW_MS = 10_000;
const FILE_CHECK_MS = 250;

export interface SoakSettings {
  readonly minutes: number;
  readonly connections: number;
  readonly warmUpMs: number;
  /** The server's --max-wal-mb; null: its default. */
  readonly maxWalMb: number | null;
}

export interface SoakReport {
  readonly samples: readonly SoakSample[];
  readonly verdicts: SoakVerdicts;
  readonly serverArgs: readonly string[];
  /** Every WAL restart the server logged, as logged (the file, its size, how long writers were held). */
  readonly walEvents: readonly Record<string, unknown>[];
}

function fileBytes(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

export async function benchSoak(settings: SoakSettings, log: (line: string) => void, report: (details: SoakReport) => void): Promise<BenchRow[]> {
  log(`  registering ${SOAK_CWMS.toLocaleString('en')} CWMs ...`);
  const { dataDir, keys } = await prepareDataDir(SOAK_CWMS);
  const serverArgs = ['--http', ...(settings.maxWalMb === null ? [] : ['--max-wal-mb', String(settings.maxWalMb)])];
  const boundMb = settings.maxWalMb ?? loadConfig({}, {}).maxWalMb;
  const server = await startOpenTps(dataDir, serverArgs);
  // The server logs each WAL restart with how long it held the writers (src/main.ts, logWalEvent).
  const walLog = { restarts: 0, notRestarted: 0, heldMsTotal: 0, heldMsMax: 0 };
  const walEvents: Record<string, unknown>[] = [];
  server.onLogLine((line) => {
    if (!line.includes('"msg":"WAL ')) return;
    const entry: unknown = JSON.parse(line);
    if (typeof entry === 'object' && entry !== null) walEvents.push({ ...entry });
    const heldMs = typeof entry === 'object' && entry !== null && 'heldMs' in entry && typeof entry.heldMs === 'number' ? entry.heldMs : 0;
    if (line.includes('"msg":"WAL restarted"')) walLog.restarts++;
    else walLog.notRestarted++;
    walLog.heldMsTotal += heldMs;
    walLog.heldMsMax = Math.max(walLog.heldMsMax, heldMs);
  });
  const files = {
    recordsWal: join(dataDir, 'opentps.db-wal'),
    trafficWal: join(dataDir, 'traffic.db-wal'),
    recordsDb: join(dataDir, 'opentps.db'),
    trafficDb: join(dataDir, 'traffic.db'),
  };
  const pid = server.child.pid ?? 0;
  // Signed on the fly (a few µs of the client's CPU each): minutes of prepared requests would take GBs.
  const loop = startClosedLoop({ url: server.url, connections: settings.connections, nextRequest: createPushSource(keys, 0) });
  const samples: SoakSample[] = [];
  const latencies: Float64Array[] = [];
  const all = { requests: 0, errors: 0, non2xx: 0, seconds: 0, serverCpuS: 0, clientCpuS: 0 };
  try {
    await sleep(settings.warmUpMs);
    loop.takeWindow();
    const started = performance.now();
    const windows = Math.ceil((settings.minutes * 60_000) / WINDOW_MS);
    for (let w = 0; w < windows; w++) {
      const serverCpuBefore = readCpuSeconds(pid);
      const clientBefore = process.cpuUsage();
      const machineBefore = readMachineBusySeconds();
      const windowEnd = started + (w + 1) * WINDOW_MS;
      Object.assign(walLog, { restarts: 0, notRestarted: 0, heldMsTotal: 0, heldMsMax: 0 });
      let recordsWalMax = fileBytes(files.recordsWal);
      let trafficWalMax = fileBytes(files.trafficWal);
      while (performance.now() < windowEnd) {
        await sleep(Math.min(FILE_CHECK_MS, Math.max(1, windowEnd - performance.now())));
        recordsWalMax = Math.max(recordsWalMax, fileBytes(files.recordsWal));
        trafficWalMax = Math.max(trafficWalMax, fileBytes(files.trafficWal));
      }
      const window = loop.takeWindow();
      const serverCpuS = readCpuSeconds(pid) - serverCpuBefore;
      const client = process.cpuUsage(clientBefore);
      const clientCpuS = (client.user + client.system) / 1e6;
      const otherCpuS = readMachineBusySeconds() - machineBefore - serverCpuS - clientCpuS;
      const sample: SoakSample = {
        atS: (performance.now() - started) / 1000,
        requestsPerS: window.requests / window.durationS,
        p50Ms: percentile(window.latenciesMs, 0.5),
        p99Ms: percentile(window.latenciesMs, 0.99),
        errors: window.errors,
        non2xx: window.non2xx,
        recordsWalMaxMb: toMb(recordsWalMax),
        trafficWalMaxMb: toMb(trafficWalMax),
        recordsDbMb: toMb(fileBytes(files.recordsDb)),
        trafficDbMb: toMb(fileBytes(files.trafficDb)),
        serverRssMb: readRssMb(pid),
        serverCpuPercent: (serverCpuS / window.durationS) * 100,
        clientCpuPercent: (clientCpuS / window.durationS) * 100,
        otherCpuPercent: Math.max(0, (otherCpuS / window.durationS) * 100),
        loadAverage1m: loadavg()[0] ?? Number.NaN,
        walRestarts: walLog.restarts,
        walNotRestarted: walLog.notRestarted,
        writersHeldMsTotal: walLog.heldMsTotal,
        writersHeldMsMax: walLog.heldMsMax,
      };
      samples.push(sample);
      latencies.push(window.latenciesMs);
      Object.assign(all, {
        requests: all.requests + window.requests,
        errors: all.errors + window.errors,
        non2xx: all.non2xx + window.non2xx,
        seconds: all.seconds + window.durationS,
        serverCpuS: all.serverCpuS + serverCpuS,
        clientCpuS: all.clientCpuS + clientCpuS,
      });
      log(`  soak ${sample.atS.toFixed(0)} s: ${sample.requestsPerS.toFixed(0)} req/s, p99 ${sample.p99Ms.toFixed(1)} ms, WAL ${sample.recordsWalMaxMb.toFixed(0)} + ${sample.trafficWalMaxMb.toFixed(0)} MB, RSS ${sample.serverRssMb.toFixed(0)} MB, ${sample.walRestarts} WAL restarts`);
    }
  } finally {
    await loop.stop();
  }
  const peakRssMb = readPeakRssMb(pid);
  await server.stop();
  const verdicts = judgeSoak(samples, latencies, WINDOW_MS / 1000, boundMb > 0 ? boundMb : null);
  log(`\n${formatSoakTable(samples)}\n\n${formatSoakVerdicts(verdicts)}\n`);
  report({ samples, verdicts, serverArgs, walEvents });
  log(formatWalEvents(walEvents));
  const merged = new Float64Array(latencies.reduce((n, w) => n + w.length, 0));
  latencies.reduce((offset, w) => (merged.set(w, offset), offset + w.length), 0);
  merged.sort();
  return [
    {
      scenario: `soak: closed-loop /push from ${SOAK_CWMS.toLocaleString('en')} CWMs, HTTP, durable, --max-wal-mb ${boundMb}, ${settings.minutes} min`,
      requestsPerS: all.requests / all.seconds,
      p50Ms: percentile(merged, 0.5),
      p99Ms: percentile(merged, 0.99),
      errors: all.errors,
      non2xx: all.non2xx,
      cpuPercent: (all.serverCpuS / all.seconds) * 100,
      clientCpuPercent: (all.clientCpuS / all.seconds) * 100,
      peakRssMb,
      ratioToCeiling: null,
      note: `max WAL ${verdicts.maxRecordsWalMb.toFixed(0)} MB + ${verdicts.maxTrafficWalMb.toFixed(0)} MB traffic; p99 last/first ${(verdicts.p99LastMs / verdicts.p99FirstMs).toFixed(2)}`,
    },
  ];
}
