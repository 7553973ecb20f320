// Runs a load against a server process and reads the server's CPU and peak RSS around it.

import type { BenchServer } from './bench-server.js';
import type { LoadResult } from './load-client.js';
import { readCpuSeconds, readPeakRssMb } from './process-usage.js';
import type { BenchRow } from './bench-report.js';

export async function measureServer(
  scenario: string,
  server: BenchServer,
  load: () => Promise<LoadResult>,
  warmUp?: () => Promise<LoadResult>,
): Promise<BenchRow> {
  const pid = server.child.pid ?? 0;
  if (warmUp) await warmUp();
  const cpuBefore = readCpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const result = await load();
  const cpuPercent = ((readCpuSeconds(pid) - cpuBefore) / result.durationS) * 100;
  const client = process.cpuUsage(clientBefore);
  const clientCpuPercent = ((client.user + client.system) / 1e6 / result.durationS) * 100;
  return {
    scenario,
    requestsPerS: result.requestsPerS,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuPercent,
    clientCpuPercent,
    peakRssMb: readPeakRssMb(pid),
    ratioToCeiling: null,
  };
}
