// Scenario: the ceiling. A bare Node http server answering the constant {"pull":false}, driven by the
// same client at the same concurrency as every OpenTPS scenario.

import { startCeiling } from './support/bench-server.js';
import type { BenchRow } from './support/bench-report.js';
import { runLoad } from './support/load-client.js';
import { measureServer } from './support/measure.js';
import type { BenchSettings } from './bench-settings.js';

export async function benchCeiling(settings: BenchSettings): Promise<BenchRow[]> {
  const server = await startCeiling();
  try {
    const request = () => ({ method: 'GET' as const, path: '/pull' });
    const row = await measureServer(
      'ceiling: bare node http, constant {"pull":false}',
      server,
      () => runLoad({ url: server.url, connections: settings.connections, durationMs: settings.durationMs, nextRequest: request }),
      () => runLoad({ url: server.url, connections: settings.connections, durationMs: settings.warmUpMs, nextRequest: request }),
    );
    return [{ ...row, ratioToCeiling: 1 }];
  } finally {
    await server.stop();
  }
}
