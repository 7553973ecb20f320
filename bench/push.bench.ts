// Scenario: /push. Every request a new signed heartbeat OKM from one of the registered CWMs, CRC-checked,
// stored durably (fsync before the answer) and recorded as traffic; plain HTTP and HTTPS.

import { prepareDataDir, startOpenTps } from './support/bench-server.js';
import type { BenchRow } from './support/bench-report.js';
import { runLoad } from './support/load-client.js';
import { measureServer } from './support/measure.js';
import { createPushSource } from './support/signed-requests.js';
import type { BenchSettings } from './bench-settings.js';

const VARIANTS = [
  { name: 'OpenTPS /push, HTTP, durable (fsync before ack)', args: ['--http'] },
  { name: 'OpenTPS /push, HTTPS, durable', args: [] },
  { name: 'OpenTPS /push, HTTP, --durability normal (no fsync)', args: ['--http', '--durability', 'normal'] },
] as const;

export async function benchPush(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const variant of VARIANTS) {
    const { dataDir, keys } = await prepareDataDir(settings.devices);
    const server = await startOpenTps(dataDir, variant.args);
    try {
      // Prepared for up to 30,000 req/s; past that the source signs on the fly.
      const next = createPushSource(keys, Math.ceil((30 * (settings.durationMs + settings.warmUpMs)) ), 1);
      const load = (durationMs: number) => () =>
        runLoad({ url: server.url, ca: server.ca, connections: settings.connections, durationMs, nextRequest: next });
      rows.push(await measureServer(variant.name, server, load(settings.durationMs), load(settings.warmUpMs)));
    } finally {
      await server.stop();
    }
  }
  return rows;
}
