// Scenario: /push on the PostgreSQL store, one node and two nodes sharing one database, each request a
// new signed heartbeat OKM (committed before the answer, as on SQLite). With two nodes the load client
// splits its connections between them, as nginx would. Also runs the SQLite single node in the same
// conditions, so that the ratio between the backends is measured, not remembered.

import { createTestDatabase } from '../test/support/postgres-test-database.js';
import type { BenchSettings } from './bench-settings.js';
import type { BenchRow } from './support/bench-report.js';
import { createBenchDataDir, prepareDataDir, startOpenTps, type BenchServer } from './support/bench-server.js';
import { runLoad, type LoadResult } from './support/load-client.js';
import { cpuSecondsBetween, readCpuSeconds, readCpuSecondsByCommand, readPeakRssMb } from './support/process-usage.js';
import { registerInPostgres } from './support/postgres-devices.js';
import { createPushSource } from './support/signed-requests.js';

/** Splits the connections over the nodes and sums what they answered; latencies are the worse node's. */
async function loadNodes(nodes: readonly BenchServer[], settings: BenchSettings, durationMs: number, next: () => { method: 'POST'; path: string }): Promise<LoadResult> {
  const share = Math.max(1, Math.floor(settings.connections / nodes.length));
  const results = await Promise.all(nodes.map((node) => runLoad({ url: node.url, ca: null, connections: share, durationMs, nextRequest: next })));
  const durationS = Math.max(...results.map((r) => r.durationS));
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  return {
    requests,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    durationS,
    requestsPerS: requests / durationS,
    p50Ms: Math.max(...results.map((r) => r.p50Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
  };
}

async function measureNodes(scenario: string, nodes: readonly BenchServer[], settings: BenchSettings, next: () => { method: 'POST'; path: string }): Promise<BenchRow> {
  await loadNodes(nodes, settings, settings.warmUpMs, next);
  const pids = nodes.map((node) => node.child.pid ?? 0);
  const cpuBefore = pids.map(readCpuSeconds);
  const postgresBefore = readCpuSecondsByCommand('postgres');
  const result = await loadNodes(nodes, settings, settings.durationMs, next);
  const cpuPercent = pids.reduce((sum, pid, i) => sum + (readCpuSeconds(pid) - (cpuBefore[i] ?? 0)), 0) / result.durationS * 100;
  const postgresCpuPercent = (cpuSecondsBetween(postgresBefore, readCpuSecondsByCommand('postgres')) / result.durationS) * 100;
  return {
    scenario,
    requestsPerS: result.requestsPerS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuPercent,
    peakRssMb: Math.max(...pids.map(readPeakRssMb)),
    ratioToCeiling: null,
    note: `${nodes.length > 1 ? `CPU and RSS: sum and max over ${nodes.length} nodes; ` : ''}PostgreSQL server processes meanwhile: CPU ${postgresCpuPercent.toFixed(0)} %`,
  };
}

export async function benchPostgres(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { dataDir, keys } = await prepareDataDir(settings.devices);
  const sqliteNode = await startOpenTps(dataDir, ['--http']);
  try {
    const next = createPushSource(keys, 30 * (settings.durationMs + settings.warmUpMs), 1);
    rows.push(await measureNodes('OpenTPS /push, HTTP, SQLite, 1 node (same run)', [sqliteNode], settings, next));
  } finally {
    await sqliteNode.stop();
  }

  for (const nodeCount of [1, 2]) {
    const database = await createTestDatabase('opentps_bench');
    const nodes: BenchServer[] = [];
    try {
      await registerInPostgres(database.url, keys);
      for (let i = 0; i < nodeCount; i++) nodes.push(await startOpenTps(createBenchDataDir(), ['--http', '--db', database.url]));
      const next = createPushSource(keys, 30 * (settings.durationMs + settings.warmUpMs), 1);
      rows.push(await measureNodes(`OpenTPS /push, HTTP, PostgreSQL, ${nodeCount} node${nodeCount > 1 ? 's' : ''}`, nodes, settings, next));
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
      await database.drop();
    }
  }
  const sqlite = rows[0]?.requestsPerS ?? Number.NaN;
  return rows.map((row, i) => (i === 0 ? row : { ...row, note: `${row.note ?? ''}; ${(row.requestsPerS / sqlite).toFixed(2)} x SQLite 1 node` }));
}
