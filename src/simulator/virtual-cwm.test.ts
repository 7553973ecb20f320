import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDownstreamOkm } from '../protocol/downstream-okm.js';
import { verifyOkmCrc } from '../protocol/okm-crc.js';
import { verifyRequestSignature } from '../protocol/request-signature.js';
import { EXAMPLE_FRYER_MODEL } from '../domain/equipment-model/builtin-models.js';
import { planFleet } from './fleet-plan.js';
import { createSeededRandom } from './seeded-random.js';
import { SimStats } from './sim-stats.js';
import type { SimResponse, SimTransport } from './sim-transport.js';
import { VirtualCwm } from './virtual-cwm.js';

interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly req: unknown;
  readonly reqText: string;
  readonly signature: string;
  /** The `gwmac` query parameter, null when absent. */
  readonly gwmac: string | null;
}

/** A scripted server: answers each request with the next scripted answer (or a default), and lets a test await the n-th request. */
function createScriptedServer(answer: (request: SeenRequest, index: number) => SimResponse) {
  const seen: SeenRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const transport: SimTransport = {
    async send(method, path) {
      const query = new URLSearchParams(path.slice(path.indexOf('?') + 1));
      const reqText = query.get('req') ?? '';
      const request = { method, path: path.slice(0, path.indexOf('?')), req: JSON.parse(reqText), reqText, signature: query.get('sha256hmac') ?? '', gwmac: query.get('gwmac') };
      seen.push(request);
      const response = answer(request, seen.length - 1);
      for (const waiter of waiters.filter((w) => seen.length >= w.count)) waiter.resolve();
      return response;
    },
    async close() {},
  };
  const requests = (count: number): Promise<void> =>
    seen.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
  return { transport, seen, requests };
}

const OKE_ID = `${EXAMPLE_FRYER_MODEL.modelId}aaaaaaaaaaaa`;
const plan = { ...planFleet({ devices: 1, okesPerCwm: 1, seed: 11 })[0]!, okes: [{ id: OKE_ID, model: EXAMPLE_FRYER_MODEL.modelId }] };
const ok = (pull = false): SimResponse => ({ status: 200, body: `{"push":true,"pull":${pull}}`, retryAfterS: null });

function createCwm(transport: SimTransport, stats = new SimStats(true), isSendingGatewayMac?: boolean) {
  return {
    cwm: new VirtualCwm({
      plan,
      transport,
      random: createSeededRandom(1),
      stats,
      intervalMs: 3_600_000,
      maxBackoffMs: 20,
      log: () => undefined,
      ...(isSendingGatewayMac === undefined ? {} : { isSendingGatewayMac }),
    }),
    stats,
  };
}

test('every push is signed with the CWM key and carries OKMs with a correct CRC, OKE and CWM heartbeats alike', async () => {
  const server = createScriptedServer(() => ok());
  const { cwm } = createCwm(server.transport);
  cwm.start(0);
  await server.requests(2);
  await cwm.stop();
  for (const request of server.seen.slice(0, 2)) {
    assert.equal(request.path, '/push');
    assert.ok(verifyRequestSignature(request.reqText, request.signature, plan.key));
    const okmText = /^\{"okm":(.*),"ts":"[^"]+"\}$/.exec(request.reqText)?.[1] ?? '';
    assert.equal(verifyOkmCrc(okmText).verdict, 'valid');
  }
  const sources = server.seen.slice(0, 2).map((r) => JSON.stringify((r.req as { okm: { _src: string[] } }).okm._src));
  assert.deepEqual(sources, [JSON.stringify([OKE_ID, plan.id]), JSON.stringify([plan.id])]);
});

test('an OKM leaves the CWM only after {"push":true}: a 503 and a network failure are retried with the same OKM', async () => {
  let calls = 0;
  const server = createScriptedServer(() => {
    calls++;
    if (calls === 1) return { status: 503, body: '{"push":false,"pull":false,"error":"ERR_OVERLOADED"}', retryAfterS: 0 };
    if (calls === 2) throw new Error('connection reset');
    return ok();
  });
  const { cwm, stats } = createCwm(server.transport);
  cwm.start(0);
  await server.requests(4);
  await cwm.stop();
  const okmOf = (i: number) => JSON.stringify((server.seen[i]?.req as { okm: unknown }).okm);
  assert.equal(okmOf(0), okmOf(1));
  assert.equal(okmOf(1), okmOf(2), 'the same OKM until acknowledged');
  assert.notEqual(okmOf(2), okmOf(3), 'the next one after the acknowledgement');
  assert.equal(stats.busy, 1);
  assert.equal(stats.errors, 1);
  assert.equal(stats.pushesAcked, 2);
});

test('pull:true makes the CWM pull until pull:false; a ping to its OKE is answered with the same _id; lokm reports a bad CRC', async () => {
  const ping = buildDownstreamOkm({ destination: [OKE_ID, plan.id], cmd: 'rd', id: 7, ts: '2026-11-24T12:00:00Z', payload: { _ping: true } });
  const corrupted = buildDownstreamOkm({ destination: [plan.id], cmd: 'wr', id: 8, ts: '2026-11-24T12:00:00Z', payload: { x: 1 } }).replace('"x":1', '"x":2');
  const port = buildDownstreamOkm({ destination: [plan.id], cmd: 'wr', id: 9, ts: '2026-11-24T12:00:00Z', payload: { oke: { port: '232', baud: 9600 } } });
  const pulls = [`{"okm":${ping},"pull":true}`, `{"okm":${corrupted},"pull":true}`, `{"okm":${port},"pull":false}`];
  const server = createScriptedServer((request) =>
    request.path === '/pull' ? { status: 200, body: pulls.shift() ?? '{"pull":false}', retryAfterS: null } : ok(request.path === '/push' && pulls.length === 3),
  );
  const { cwm, stats } = createCwm(server.transport);
  cwm.start(0);
  await server.requests(7);
  await cwm.stop();
  const pullRequests = server.seen.filter((r) => r.path === '/pull').map((r) => r.req as { devid: string; lokm: boolean });
  assert.equal(pullRequests.length, 3, 'pulled until pull:false');
  assert.deepEqual(pullRequests.map((r) => r.lokm), [true, true, false], 'lokm:false after the corrupted OKM');
  assert.ok(pullRequests.every((r) => r.devid === plan.id));
  const answers = server.seen
    .filter((r) => r.path === '/push')
    .map((r) => (r.req as { okm: { _src: string[]; _id: number; _pld: Record<string, unknown> } }).okm)
    .filter((okm) => okm._id === 7 || okm._id === 9);
  assert.deepEqual(answers.find((okm) => okm._id === 7), { ...answers.find((okm) => okm._id === 7), _src: [OKE_ID, plan.id], _pld: { _ping: true } });
  assert.deepEqual(answers.find((okm) => okm._id === 9)?._pld, { oke: { port: '232', baud: 9600 }, ok: true });
  assert.deepEqual(cwm.portSetting, { port: '232', baud: 9600 });
  assert.equal(stats.crcFailuresSeen, 1);
});

test('the CWM never sends the same pull text twice: a second pull within its clock second waits for the next second', async () => {
  const okm = (id: number) => buildDownstreamOkm({ destination: [plan.id], cmd: 'rd', id, ts: '2026-11-24T12:00:00Z', payload: { _ping: true } });
  const pulls = [1, 2, 3].map((id, i) => `{"okm":${okm(id)},"pull":${i < 2}}`);
  let pushes = 0;
  const server = createScriptedServer((request) =>
    request.path === '/pull' ? { status: 200, body: pulls.shift() ?? '{"pull":false}', retryAfterS: null } : ok(request.path === '/push' && pushes++ === 0),
  );
  const { cwm, stats } = createCwm(server.transport);
  cwm.start(0);
  await server.requests(8);
  await cwm.stop();
  const pullTexts = server.seen.filter((r) => r.path === '/pull').map((r) => r.reqText);
  assert.ok(pullTexts.length >= 3, `pulled each queued message (${pullTexts.length} pulls)`);
  assert.equal(new Set(pullTexts).size, pullTexts.length, 'no pull text repeated');
  assert.equal(stats.busy, 0);
});

test('every /push and /pull carries the site gateway MAC as gwmac, outside the signed req; turned off, none does', async () => {
  for (const isSendingGatewayMac of [undefined, false]) {
    const pulls = [`{"okm":${buildDownstreamOkm({ destination: [plan.id], cmd: 'rd', id: 3, ts: '2026-11-24T12:00:00Z', payload: { _ping: true } })},"pull":false}`];
    const server = createScriptedServer((request) =>
      request.path === '/pull' ? { status: 200, body: pulls.shift() ?? '{"pull":false}', retryAfterS: null } : ok(pulls.length === 1),
    );
    const { cwm } = createCwm(server.transport, new SimStats(true), isSendingGatewayMac);
    cwm.start(0);
    await server.requests(4);
    await cwm.stop();
    assert.deepEqual([...new Set(server.seen.map((r) => r.path))].sort(), ['/pull', '/push']);
    for (const request of server.seen) {
      assert.equal(request.gwmac, isSendingGatewayMac === false ? null : plan.gatewayMac, `${request.path} gwmac`);
      assert.ok(verifyRequestSignature(request.reqText, request.signature, plan.key), 'the signature covers req alone');
      assert.equal((request.req as Record<string, unknown>)['gwmac'], undefined, 'req itself is unchanged');
    }
  }
});
