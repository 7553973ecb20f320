// Scenario: memory with a large registered fleet. 100,000 CWMs registered, every one of them pushes,
// so every credential is cached and every device row and state row is touched; the target is a
// peak RSS below 300 MB.

import { prepareDataDir, startOpenTps } from './support/bench-server.js';
import type { BenchRow } from './support/bench-report.js';
import { runLoad } from './support/load-client.js';
import { measureServer } from './support/measure.js';
import { createPushSource } from './support/signed-requests.js';
import type { BenchSettings } from './bench-settings.js';

export const REGISTERED_CWMS = 100_000;

export async function benchRegisteredFleetMemory(settings: BenchSettings): Promise<BenchRow[]> {
  const { dataDir, keys } = await prepareDataDir(REGISTERED_CWMS);
  const server = await startOpenTps(dataDir, ['--http']);
  try {
    const next = createPushSource(keys, REGISTERED_CWMS);
    let sent = 0;
    const load = async () => {
      // Closed loop until every registered CWM has pushed once.
      const started = performance.now();
      const result = { requests: 0, errors: 0, non2xx: 0, durationS: 0, requestsPerS: 0, p50Ms: 0, p99Ms: 0 };
      while (sent < REGISTERED_CWMS) {
        const chunk = await runLoad({ url: server.url, connections: settings.connections, durationMs: 2000, nextRequest: next });
        sent += chunk.requests + chunk.errors + chunk.non2xx;
        result.requests += chunk.requests;
        result.errors += chunk.errors;
        result.non2xx += chunk.non2xx;
        result.p50Ms = chunk.p50Ms;
        result.p99Ms = Math.max(result.p99Ms, chunk.p99Ms);
      }
      result.durationS = (performance.now() - started) / 1000;
      result.requestsPerS = result.requests / result.durationS;
      return result;
    };
    const row = await measureServer(`OpenTPS with ${REGISTERED_CWMS.toLocaleString('en')} registered CWMs, each pushing`, server, load);
    return [{ ...row, note: 'p50 of the last 2 s, p99 the worst 2 s window' }];
  } finally {
    await server.stop();
  }
}
