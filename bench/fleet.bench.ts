// Scenario: the realistic fleet. Virtual CWMs (opentps sim's fleet: 1-2 OKEs each, HTTPS keep-alive,
// signed, store-and-forward) heartbeat every 60 s; the fleet grows step by step until one node no longer
// sustains it with p99 < 100 ms, zero errors and zero 503s. Each step: one interval of ramp-up (start
// times are spread over it), then one interval measured.

import { planFleet } from '../src/simulator/fleet-plan.js';
import { createSimTransport } from '../src/simulator/sim-transport.js';
import { VirtualFleet } from '../src/simulator/virtual-fleet.js';
import { createTestDatabase } from '../test/support/postgres-test-database.js';
import { createBenchDataDir, registerDevices, startOpenTps } from './support/bench-server.js';
import { registerInPostgres } from './support/postgres-devices.js';
import type { BenchRow } from './support/bench-report.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readCpuSeconds, readPeakRssMb } from './support/process-usage.js';

export interface FleetStepResult {
  readonly cwms: number;
  readonly okes: number;
  readonly isSustained: boolean;
  readonly row: BenchRow;
}

const INTERVAL_MS = 60_000;
const P99_LIMIT_MS = 100;

/** Where the node keeps its store: the embedded SQLite, or a new database on the machine's PostgreSQL. */
export type FleetBackend = 'sqlite' | 'postgres';

async function runStep(cwms: number, measureMs: number, log: (line: string) => void, backend: FleetBackend): Promise<FleetStepResult> {
  const plans = planFleet({ devices: cwms, okesPerCwm: 2, seed: 2026 });
  const dataDir = createBenchDataDir();
  const keys = new Map(plans.map((plan) => [plan.id, plan.key]));
  const database = backend === 'postgres' ? await createTestDatabase('opentps_bench_fleet') : null;
  if (database === null) await registerDevices(dataDir, keys);
  else await registerInPostgres(database.url, keys);
  const server = await startOpenTps(dataDir, database === null ? [] : ['--db', database.url]);
  const transport = createSimTransport({ baseUrl: server.url, isInsecure: false, ca: server.ca ?? undefined, timeoutMs: 20_000 });
  const fleet = new VirtualFleet({ plans, transport, intervalMs: INTERVAL_MS, maxBackoffMs: 120_000, isTrackingAcks: false, log: () => undefined });
  try {
    fleet.start();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    const before = fleet.summary();
    fleet.stats.trimLatencies(0);
    // The fleet runs in this process: if its own event loop lags, latencies it measures include that lag.
    const clientLag = monitorEventLoopDelay({ resolution: 10 });
    clientLag.enable();
    const pid = server.child.pid ?? 0;
    const cpuBefore = readCpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, measureMs));
    const after = fleet.summary();
    clientLag.disable();
    const clientLagP99Ms = clientLag.percentile(99) / 1e6;
    const seconds = measureMs / 1000;
    const errors = after.errors - before.errors;
    const busy = after.busy - before.busy;
    const row: BenchRow = {
      scenario: `realistic fleet${backend === 'postgres' ? ' on PostgreSQL' : ''}: ${cwms.toLocaleString('en')} CWMs + ${after.okes.toLocaleString('en')} OKEs, 60 s heartbeats, HTTPS`,
      requestsPerS: (after.pushesAcked - before.pushesAcked + after.pullRequests - before.pullRequests) / seconds,
      p50Ms: fleet.stats.percentileMs(0.5),
      p99Ms: fleet.stats.percentileMs(0.99),
      errors,
      non2xx: busy + after.rejected - before.rejected,
      cpuPercent: ((readCpuSeconds(pid) - cpuBefore) / seconds) * 100,
      peakRssMb: readPeakRssMb(pid),
      ratioToCeiling: null,
    };
    const isSustained = row.p99Ms < P99_LIMIT_MS && errors === 0 && row.non2xx === 0 && after.queuedAtEnd < cwms;
    log(`fleet step ${cwms} CWMs: ${row.requestsPerS.toFixed(0)} req/s, p99 ${row.p99Ms.toFixed(1)} ms, client event-loop lag p99 ${clientLagP99Ms.toFixed(1)} ms, errors ${errors}, 503 ${busy}, queued ${after.queuedAtEnd} -> ${isSustained ? 'sustained' : 'not sustained'}`);
    const note = `${isSustained ? 'sustained' : 'NOT sustained'}; load generator's own event-loop lag p99 ${clientLagP99Ms.toFixed(0)} ms`;
    return { cwms, okes: after.okes, isSustained, row: { ...row, note } };
  } finally {
    await fleet.stop();
    await transport.close();
    await server.stop();
    await database?.drop();
  }
}

/** Runs the steps in order and stops after the first that is not sustained. */
export async function benchFleet(steps: readonly number[], measureMs: number, log: (line: string) => void, backend: FleetBackend = 'sqlite'): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const cwms of steps) {
    const result = await runStep(cwms, measureMs, log, backend);
    rows.push(result.row);
    if (!result.isSustained) break;
  }
  return rows;
}
