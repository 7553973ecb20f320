// Scenario: the realistic fleet. Virtual CWMs (`opentps sim`, in its own process: 1-2 OKEs each, HTTPS
// keep-alive, signed, store-and-forward) heartbeat every interval; the fleet grows step by step until one
// node no longer sustains it with p99 < 100 ms, zero errors and zero 503s. Each step: a new server with the
// fleet registered; one ramp-up (start times spread over the interval: every CWM connects and pushes, the
// server's caches and the connection pool warm up), not measured; then the measured window, the only part
// the verdict reads; then the simulator's bounded stop.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimReport } from '../src/cli/sim-command.js';
import { planFleet } from '../src/simulator/fleet-plan.js';
import { createTestDatabase } from '../test/support/postgres-test-database.js';
import type { BenchRow } from './support/bench-report.js';
import { createBenchDataDir, registerDevices, startOpenTps } from './support/bench-server.js';
import { registerInPostgres } from './support/postgres-devices.js';
import { postgresWalGauge, sqliteWalGauge, watchServerWindow, type ServerWindowUsage } from './support/server-window.js';
import { runSimProcess } from './support/sim-process.js';

/** Where the node keeps its store: the embedded SQLite, or a new database on the machine's PostgreSQL. */
export type FleetBackend = 'sqlite' | 'postgres';

export interface FleetSettings {
  readonly steps: readonly number[];
  readonly intervalS: number;
  readonly rampUpS: number;
  readonly measureS: number;
  readonly backend: FleetBackend;
}

/** One step as measured, for the results file: the simulator's whole report and the server's window. */
export interface FleetStepDetails {
  readonly cwms: number;
  readonly isSustained: boolean;
  readonly sim: SimReport;
  readonly simExitCode: number | null;
  readonly server: ServerWindowUsage | null;
  readonly walMeaning: string;
}

const P99_LIMIT_MS = 100;
/** The simulator's --grace: what is in flight or queued at the deadline gets this long, then it is dropped. */
const GRACE_S = 10;
const SEED = 2026;

function isSustained(sim: SimReport): boolean {
  const measured = sim.measured;
  return measured !== null && measured.count > 0 && measured.p99Ms < P99_LIMIT_MS && measured.errors === 0 && measured.busy === 0 && measured.rejected === 0;
}

async function runStep(cwms: number, settings: FleetSettings, log: (line: string) => void): Promise<{ row: BenchRow; details: FleetStepDetails }> {
  const plans = planFleet({ devices: cwms, okesPerCwm: 2, seed: SEED });
  const keys = new Map(plans.map((plan) => [plan.id, plan.key]));
  const dataDir = createBenchDataDir();
  const keysFile = join(dataDir, 'fleet-keys.json');
  writeFileSync(keysFile, JSON.stringify(Object.fromEntries(keys)), { mode: 0o600 });
  const database = settings.backend === 'postgres' ? await createTestDatabase('opentps_bench_fleet') : null;
  if (database === null) await registerDevices(dataDir, keys);
  else await registerInPostgres(database.url, keys);
  const server = await startOpenTps(dataDir, database === null ? [] : ['--db', database.url]);
  try {
    const wal = database === null ? sqliteWalGauge(dataDir) : postgresWalGauge(database.url);
    const window = watchServerWindow(server.child.pid ?? 0, wal);
    const durationS = settings.rampUpS + settings.measureS;
    const { report: sim, exitCode } = await runSimProcess({
      args: [
        '--url', server.url, '--ca', join(dataDir, 'tls', 'self-signed-cert.pem'), '--devices', String(cwms), '--okes-per-cwm', '2',
        '--seed', String(SEED), '--keys', keysFile, '--interval', String(settings.intervalS), '--ramp-up', String(settings.rampUpS),
        '--duration', String(durationS), '--grace', String(GRACE_S),
      ],
      // Planning and loading the fleet takes seconds at 100,000 CWMs; the run itself is bounded by the simulator.
      deadlineMs: (durationS + GRACE_S + 120) * 1000,
      onWindowOpen: () => window.open(),
      onWindowClose: () => window.close(),
      log: (line) => log(`  sim: ${line}`),
    });
    const usage = await window.result();
    const measured = sim.measured;
    const sustained = isSustained(sim);
    const seconds = measured === null ? 0 : Math.max(0.001, measured.toS - measured.fromS);
    const row: BenchRow = {
      scenario:
        `realistic fleet${settings.backend === 'postgres' ? ' on PostgreSQL' : ''}: ${cwms.toLocaleString('en')} CWMs + ${sim.okes.toLocaleString('en')} OKEs, ` +
        `${settings.intervalS} s heartbeats, HTTPS, ${settings.rampUpS} s ramp-up, ${seconds.toFixed(0)} s measured`,
      requestsPerS: measured === null ? 0 : measured.count / seconds,
      p50Ms: measured?.p50Ms ?? 0,
      p99Ms: measured?.p99Ms ?? 0,
      maxMs: measured?.maxMs ?? 0,
      errors: measured?.errors ?? 0,
      non2xx: (measured?.busy ?? 0) + (measured?.rejected ?? 0),
      busy: measured?.busy ?? 0,
      cpuPercent: usage?.cpuPercent ?? Number.NaN,
      mainThreadCpuPercent: usage?.mainThreadCpuPercent ?? Number.NaN,
      peakRssMb: usage?.peakRssMb ?? Number.NaN,
      walMb: usage?.walMb ?? Number.NaN,
      clientCpuPercent: sim.generator?.cpuPercent ?? Number.NaN,
      clientLagP99Ms: sim.generator?.eventLoopLagP99Ms ?? Number.NaN,
      queuedAtEnd: sim.queuedAtEnd,
      ratioToCeiling: null,
      note: `${sustained ? 'sustained' : 'NOT sustained'}; WAL MB: ${wal.label}`,
    };
    log(
      `fleet step ${cwms} CWMs: ${measured?.pushesPerS ?? 0} pushes/s, p50 ${row.p50Ms} / p99 ${row.p99Ms} / max ${row.maxMs} ms, errors ${row.errors}, 503 ${row.busy}, ` +
        `server CPU ${row.cpuPercent.toFixed(0)} % (main thread ${row.mainThreadCpuPercent?.toFixed(0)} %), RSS ${usage?.rssMb.toFixed(0)} MB, WAL ${row.walMb?.toFixed(1)} MB, ` +
        `sim CPU ${row.clientCpuPercent?.toFixed(0)} %, sim loop lag p99 ${row.clientLagP99Ms} ms, queued at end ${sim.queuedAtEnd}, in flight at end ${sim.inFlightAtEnd} ` +
        `-> ${sustained ? 'sustained' : 'not sustained'}`,
    );
    return { row, details: { cwms, isSustained: sustained, sim, simExitCode: exitCode, server: usage, walMeaning: wal.label } };
  } finally {
    await server.stop();
    await database?.drop();
  }
}

/** Runs the steps in order and stops after the first that is not sustained. */
export async function benchFleet(settings: FleetSettings, log: (line: string) => void, report: (steps: FleetStepDetails[]) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const steps: FleetStepDetails[] = [];
  for (const cwms of settings.steps) {
    const { row, details } = await runStep(cwms, settings, log);
    rows.push(row);
    steps.push(details);
    report(steps);
    if (!details.isSustained) break;
  }
  return rows;
}
