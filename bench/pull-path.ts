// The in-process cost of one signed /pull through the real services (SQLite, --durability normal): servePull
// and confirmDelivery, 200 CWMs x 100 queued messages, 32 at a time, no HTTP. Prints pulls/s and CPU microseconds per
// pull. Run it from the tree to measure (`node --import tsx bench/pull-path.ts`), e.g. two git worktrees in turn,
// to compare the domain and store cost of a change without the HTTP layer's noise.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
const root = process.cwd();
const { loadConfig } = await import(join(root, 'src/config/load-config.ts'));
const { openServices } = await import(join(root, 'src/main.ts'));
const { createRequestObservation } = await import(join(root, 'src/domain/request-observation.ts'));
const DEVICES = 200, PER = 100, CONC = 32;
const dir = mkdtempSync(join(tmpdir(), 'pullbench-'));
const services = await openServices(loadConfig({ data: dir, durability: 'normal', 'max-queued': '1000', 'device-requests-per-minute': '0' }, {}));
const ids: string[] = [];
for (let i = 0; i < DEVICES; i++) {
  const id = `0002${String(i).padStart(12, '0')}`;
  await services.registry.addDevice({ id, key: `key-${id}` });
  ids.push(id);
}
for (let r = 0; r < PER; r++) await Promise.all(ids.map((id) => services.queue.queueMessage({ destination: [id], cmd: 'wr', payload: { r } })));
let n = 0;
const start = Date.UTC(2026, 10, 24, 12);
const next = () => {
  const k = n++;
  const id = ids[k % DEVICES]!;
  const req = JSON.stringify({ devid: id, ts: new Date(start + Math.floor(k / DEVICES) * 1000).toISOString().slice(0, 19), lokm: true });
  return { encodedReq: encodeURIComponent(req), signature: createHmac('sha256', `key-${id}`).update(req).digest('hex'), remoteAddress: '127.0.0.1' };
};
const total = DEVICES * PER;
let done = 0, carried = 0;
const cpu0 = process.cpuUsage(); const t0 = performance.now();
await Promise.all(Array.from({ length: CONC }, async () => {
  while (n < total) {
    const result = await services.delivery.servePull(next(), createRequestObservation());
    if (result.leasedMessageId !== null) { carried++; await services.delivery.confirmDelivery(result.leasedMessageId); }
    done++;
  }
}));
const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ pulls: done, carried, perS: Math.round(done / (ms / 1000)), cpuUsPerPull: Math.round((cpu.user + cpu.system) / done) }));
await services.close();
