// GET /metrics on a real server (the `opentps serve` executable on a free port): refused without the
// token, then a scrape after real device traffic shows what happened, counted exactly: OKMs stored,
// duplicates, CRC and HMAC failures, 503s shed, push latency, requests by route, fleet and queue counts,
// group commits and the WAL. Run on the embedded store and, where it is reachable, on PostgreSQL.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { createDeviceAppHarness } from './device-app-harness.js';
import { createDeviceHttpClient, type DeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { nginxSkipReason, startNginxBalancer } from './support/nginx-balancer.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';
import { parsePrometheusText, sampleValue, type Sample } from './support/prometheus-text.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CWM = '0002e00e00000013';
const TOKEN = 'metrics-token-for-the-e2e-test';
const SEQUENTIAL_PUSHES = 5;
const BURST = 40;

/** One POST on its own connection, so that a burst of them is in flight together. */
function postAlone(url: string, path: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method: 'POST', path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function scrape(client: DeviceHttpClient): Promise<Sample[]> {
  const response = await client.send('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(response.status, 200, response.body);
  assert.equal(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheusText(response.body);
}

/**
 * The scenario both backends run. `storeArgs`: how the server and the CLI find the store.
 * `isSqlite`: whether WAL files are expected.
 */
async function scrapeAfterTraffic(storeArgs: (dataDir: string) => string[], isSqlite: boolean): Promise<void> {
  const dir = createTempDataDir();
  try {
    const added = await runCliProcess(['device', 'add', CWM, ...storeArgs(dir.path)]);
    assert.equal(added.code, 0, added.stderr);
    const key = added.stdout.trim();
    const queued = await runCliProcess(['send', CWM, '--dst', JSON.stringify([CWM]), '--cmd', 'rd', '--pld', '{"_ping":true}', ...storeArgs(dir.path)]);
    assert.equal(queued.code, 0, queued.stderr);
    // --max-inflight 1: pushes sent one after the other are all taken, a burst of parallel ones is partly shed.
    const server = await startServerProcess(dir.path, ['--http', '--max-inflight', '1', ...storeArgs(dir.path).slice(2)], { OPENTPS_METRICS_TOKEN: TOKEN });
    const client = createDeviceHttpClient(server.url, null);
    try {
      const missing = await client.send('GET', '/metrics');
      assert.equal(missing.status, 401);
      assert.equal(JSON.parse(missing.body).error, 'ERR_METRICS_TOKEN');
      assert.match(String(missing.headers['www-authenticate']), /^Bearer /);
      const wrong = await client.send('GET', '/metrics', { headers: { authorization: 'Bearer not-the-metrics-token-at-all' } });
      assert.equal(wrong.status, 401);
      assert.equal(JSON.parse(wrong.body).error, 'ERR_METRICS_TOKEN');

      const pushPath = (id: number, okm = buildUpstreamOkm({ cwmId: CWM, id })): string => signedPath('/push', pushReqText(okm), key);
      for (let id = 1; id <= SEQUENTIAL_PUSHES; id++) assert.equal((await client.send('POST', pushPath(id))).status, 200);
      assert.equal((await client.send('POST', pushPath(1))).status, 200, 'a re-send is acknowledged');
      const wrongCrc = buildUpstreamOkm({ cwmId: CWM, id: 100 }).replace(/"_crc":"[0-9A-F]{4}"/, '"_crc":"FFFF"');
      assert.equal((await client.send('POST', pushPath(100, wrongCrc))).status, 200, 'an OKM with a wrong CRC is stored and flagged');
      const badSignature = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 101 })), 'not-the-device-key');
      assert.equal((await client.send('POST', badSignature)).status, 401);
      const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => postAlone(server.url, pushPath(200 + i))));
      const burstTaken = burst.filter((status) => status === 200).length;
      const burstShed = burst.filter((status) => status === 503).length;
      assert.equal(burstTaken + burstShed, BURST, `burst statuses: ${burst.join(',')}`);
      assert.ok(burstShed > 0, 'some of the burst was shed');
      assert.equal((await client.send('GET', '/healthz')).status, 200);
      assert.equal((await client.send('GET', '/no-such-path')).status, 404);

      // Traffic is written by a thread of its own, behind the answers: on a loaded machine its first batch may not
      // have committed when the last request is answered. Scrape again until it has (or 10 s passed); scrapes
      // are answered 200 and change none of the counters checked below.
      let samples = await scrape(client);
      const trafficCommitted = () => (sampleValue(samples, 'opentps_store_commit_duration_seconds_count', { queue: 'traffic' }) ?? 0) > 0;
      for (const deadline = Date.now() + 10_000; !trafficCommitted() && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        samples = await scrape(client);
      }
      const value = (name: string, labels: Record<string, string> = {}): number | undefined => sampleValue(samples, name, labels);
      const stored = SEQUENTIAL_PUSHES + 1 + burstTaken;
      const answered200 = stored + 1;
      assert.equal(value('opentps_okms_stored_total'), stored);
      assert.equal(value('opentps_okm_duplicates_total'), 1);
      assert.equal(value('opentps_okm_crc_failures_total', { verdict: 'mismatch' }), 1);
      assert.equal(value('opentps_okm_crc_failures_total', { verdict: 'missing' }), 0, 'known verdicts start at 0');
      assert.equal(value('opentps_hmac_failures_total', { verdict: 'invalid' }), 1);
      assert.equal(value('opentps_requests_shed_total', { code: 'ERR_OVERLOADED' }), burstShed);
      assert.equal(value('opentps_push_duration_seconds_count'), answered200);
      assert.ok((value('opentps_push_duration_seconds_sum') ?? 0) > 0);
      assert.equal(value('opentps_push_duration_seconds_bucket', { le: '+Inf' }), answered200);
      assert.equal(value('opentps_http_requests_total', { method: 'POST', route: '/push', status: '200' }), answered200);
      assert.equal(value('opentps_http_requests_total', { method: 'POST', route: '/push', status: '401' }), 1);
      assert.equal(value('opentps_http_requests_total', { method: 'POST', route: '/push', status: '503' }), burstShed);
      assert.equal(value('opentps_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 1);
      assert.equal(value('opentps_http_requests_total', { method: 'GET', route: '(unmatched)', status: '404' }), 1);
      assert.equal(value('opentps_http_requests_total', { method: 'GET', route: '/metrics', status: '401' }), 2);
      assert.equal(value('opentps_devices', { status: 'online' }), 1);
      assert.equal(value('opentps_devices', { status: 'offline' }), 0);
      assert.equal(value('opentps_messages', { state: 'queued' }), 1);
      assert.equal(value('opentps_messages', { state: 'delivered' }), 0);
      // Traffic entries of the last requests may still be on their way to the store.
      assert.ok((value('opentps_store_pending_writes') ?? -1) >= 0);
      // The metrics request itself is an operator request: no device request is in flight.
      assert.equal(value('opentps_device_requests_in_flight'), 0);
      assert.ok((value('opentps_store_commit_batch_writes_count', { queue: 'records' }) ?? 0) > 0, 'record batches were committed');
      assert.ok((value('opentps_store_commit_batch_writes_sum', { queue: 'records' }) ?? 0) >= stored, 'every stored OKM was in a batch');
      assert.ok((value('opentps_store_commit_duration_seconds_count', { queue: 'traffic' }) ?? 0) > 0, 'traffic batches were committed');
      assert.ok((value('opentps_event_loop_lag_seconds_count') ?? -1) >= 0);
      if (isSqlite) assert.ok((value('opentps_sqlite_wal_bytes', { file: 'opentps.db-wal' }) ?? 0) > 0, 'the WAL holds the pushes');
      else assert.equal(value('opentps_sqlite_wal_bytes', { file: 'opentps.db-wal' }), undefined, 'no SQLite WAL on PostgreSQL');
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    dir.remove();
  }
}

const postgresSkip = await postgresSkipReason();

describe('GET /metrics on a running server', () => {
  test('on SQLite: refused without the token (401 ERR_METRICS_TOKEN), then the scrape counts the traffic exactly', async () => {
    await scrapeAfterTraffic((dataDir) => ['--data', dataDir], true);
  });

  test('on PostgreSQL: the same scrape, without WAL files', { skip: postgresSkip }, async () => {
    const database = await createTestDatabase('opentps_metrics');
    try {
      await scrapeAfterTraffic((dataDir) => ['--data', dataDir, '--db', database.url], false);
    } finally {
      await database.drop();
    }
  });
});

test('behind the shipped nginx site /metrics is not served on the devices\' address, while the node answers it on its own port', { skip: nginxSkipReason() }, async () => {
  const dir = createTempDataDir();
  const nginxDir = createTempDataDir();
  const server = await startServerProcess(dir.path, ['--http', '--trusted-proxies', '127.0.0.1'], { OPENTPS_METRICS_TOKEN: TOKEN });
  const balancer = await startNginxBalancer(nginxDir.path, [new URL(server.url).host]);
  const throughNginx = createDeviceHttpClient(balancer.url, balancer.ca);
  const direct = createDeviceHttpClient(server.url, null);
  try {
    const headers = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await throughNginx.send('GET', '/healthz')).status, 200, 'nginx passes other paths on');
    assert.equal((await throughNginx.send('GET', '/metrics', { headers })).status, 404);
    assert.equal((await direct.send('GET', '/metrics', { headers })).status, 200);
  } finally {
    throughNginx.close();
    direct.close();
    await balancer.stop();
    await server.stop();
    nginxDir.remove();
    dir.remove();
  }
});

describe('GET /metrics in the app', () => {
  test('without --metrics-token it answers 404 ERR_METRICS_DISABLED, whatever the request sends, and records no device traffic', async () => {
    const h = await createDeviceAppHarness();
    try {
      const response = await h.deviceApp.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.statusCode, 404);
      assert.equal(JSON.parse(response.body).error, 'ERR_METRICS_DISABLED');
      await h.settle();
      assert.deepEqual(await h.services.store.listTraffic({ limit: 10 }), []);
    } finally {
      await h.close();
    }
  });

  test('requests are labelled with their route pattern, never the raw URL', async () => {
    const h = await createDeviceAppHarness({ 'metrics-token': TOKEN });
    try {
      for (const id of ['0002000000000001', '0002000000000002']) await h.deviceApp.app.inject({ method: 'GET', url: `/api/v1/devices/${id}` });
      await h.deviceApp.app.inject({ method: 'GET', url: '/random/path/123' });
      const response = await h.deviceApp.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      const samples = parsePrometheusText(response.body);
      assert.equal(sampleValue(samples, 'opentps_http_requests_total', { route: '/api/v1/devices/:id', status: '401' }), 2);
      assert.equal(sampleValue(samples, 'opentps_http_requests_total', { route: '(unmatched)', status: '404' }), 1);
      assert.ok(!samples.some((sample) => (sample.labels['route'] ?? '').includes('0002000000000001') || (sample.labels['route'] ?? '').includes('random')));
    } finally {
      await h.close();
    }
  });

  test('two servers in one process keep separate counts', async () => {
    const [a, b] = await Promise.all([createDeviceAppHarness({ 'metrics-token': TOKEN }), createDeviceAppHarness({ 'metrics-token': TOKEN })]);
    try {
      await a.deviceApp.app.inject({ method: 'GET', url: '/healthz' });
      const scrapeOf = async (h: typeof a): Promise<Sample[]> =>
        parsePrometheusText((await h.deviceApp.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body);
      assert.equal(sampleValue(await scrapeOf(a), 'opentps_http_requests_total', { route: '/healthz' }), 1);
      assert.equal(sampleValue(await scrapeOf(b), 'opentps_http_requests_total', { route: '/healthz' }), undefined);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
