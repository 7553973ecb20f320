// Scenario: /pull with queued messages. Every CWM has messages waiting; each signed pull leases the
// oldest, answers it with its OKM and marks it delivered once the response is written.

import { loadConfig } from '../src/config/load-config.js';
import { openServices } from '../src/main.js';
import { prepareDataDir, startOpenTps } from './support/bench-server.js';
import type { BenchRow } from './support/bench-report.js';
import { runLoad } from './support/load-client.js';
import { measureServer } from './support/measure.js';
import { createPullSource } from './support/signed-requests.js';
import type { BenchSettings } from './bench-settings.js';

const MESSAGES_PER_CWM = 150;

export async function benchPull(settings: BenchSettings): Promise<BenchRow[]> {
  const { dataDir, keys } = await prepareDataDir(settings.devices);
  const operator = await openServices(loadConfig({ data: dataDir, durability: 'normal', 'max-queued': String(MESSAGES_PER_CWM) }, {}));
  const ids = [...keys.keys()];
  for (let round = 0; round < MESSAGES_PER_CWM; round++) {
    await Promise.all(ids.map((id, i) => operator.queue.queueMessage({ destination: [`0363${id.slice(4)}`, id], cmd: 'wr', payload: { cmd: { relay: (round + i) % 2 } } })));
  }
  await operator.store.close();
  const server = await startOpenTps(dataDir, ['--http', '--max-queued', String(MESSAGES_PER_CWM)]);
  try {
    const source = createPullSource(keys);
    let cursor = 0;
    const next = () => {
      cursor++;
      return source();
    };
    const load = (durationMs: number) => () => runLoad({ url: server.url, connections: settings.connections, durationMs, nextRequest: next });
    const row = await measureServer('OpenTPS /pull with queued messages, HTTP, durable', server, load(settings.durationMs), load(settings.warmUpMs));
    const pulls = cursor;
    const check = await openServices(loadConfig({ data: dataDir }, {}));
    let delivered = 0;
    for (const id of ids) delivered += (await check.store.listMessages(id, Date.now())).filter((m) => m.state === 'delivered').length;
    await check.store.close();
    return [{ ...row, note: `${Math.round((delivered / pulls) * 100)}% of ${pulls} pulls carried a message` }];
  } finally {
    await server.stop();
  }
}
