// Scenario: latency at a fixed rate. Pushes start on a schedule (open loop) at 2,000/s, as a fleet
// sends them whether or not the previous answer came back; the target is p99 < 25 ms.

import { prepareDataDir, startOpenTps } from './support/bench-server.js';
import type { BenchRow } from './support/bench-report.js';
import { measureServer } from './support/measure.js';
import { runRateLoad } from './support/rate-load.js';
import { createPushSource } from './support/signed-requests.js';
import type { BenchSettings } from './bench-settings.js';

export const FIXED_RATE_PER_S = 2000;

export async function benchPushRate(settings: BenchSettings): Promise<BenchRow[]> {
  const { dataDir, keys } = await prepareDataDir(settings.devices);
  const server = await startOpenTps(dataDir, ['--http']);
  try {
    const durationMs = Math.max(settings.durationMs, 15_000);
    const next = createPushSource(keys, Math.ceil((FIXED_RATE_PER_S * (durationMs + settings.warmUpMs)) / 1000) + 1000);
    const load = (ms: number) => () => runRateLoad({ url: server.url, requestsPerS: FIXED_RATE_PER_S, durationMs: ms, maxConnections: 256, nextRequest: next });
    const row = await measureServer(`OpenTPS /push at a fixed ${FIXED_RATE_PER_S}/s, HTTP, durable`, server, load(durationMs), load(settings.warmUpMs));
    return [row];
  } finally {
    await server.stop();
  }
}
