// Two OpenTPS nodes on one PostgreSQL (--db): a CWM registered and a message queued with the CLI, pushes
// and pulls spread over both nodes, a duplicate push to the other node stored once, the answer matched.
// Skipped (with the reason) where PostgreSQL is not reachable; .ci/run makes sure it is.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { test } from 'node:test';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import { verifyOkmCrc } from '../src/protocol/okm-crc.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';
import pg from 'pg';
import { TEST_PG_URL, createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';

const CWM = '0002d00d00000001';
const OKE = '0363d00d00000001';

test('two nodes on one PostgreSQL serve one CWM: queue, pull and answer across nodes, duplicates (also sent to both at once) stored once', { skip: await postgresSkipReason() }, async () => {
  const database = await createTestDatabase('opentps_e2e');
  const db = database.url;
  const dirA = createTempDataDir();
  const dirB = createTempDataDir();
  try {
    const added = await runCliProcess(['device', 'add', CWM, '--db', db, '--data', dirA.path]);
    assert.equal(added.code, 0, added.stderr);
    const key = added.stdout.trim();
    const [nodeA, nodeB] = await Promise.all([
      startServerProcess(dirA.path, ['--db', db], { OPENTPS_ADMIN_PASSWORD: 'two nodes password' }),
      startServerProcess(dirB.path, ['--db', db], { OPENTPS_ADMIN_PASSWORD: 'two nodes password' }),
    ]);
    const clientA = createDeviceHttpClient(nodeA.url, nodeA.ca);
    const clientB = createDeviceHttpClient(nodeB.url, nodeB.ca);
    try {
      const heartbeat = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 1 });
      assert.equal((await clientA.send('POST', signedPath('/push', pushReqText(heartbeat), key))).body, '{"push":true,"pull":false}');
      assert.equal((await clientB.send('POST', signedPath('/push', pushReqText(heartbeat), key))).body, '{"push":true,"pull":false}', 'a re-send to the other node is acknowledged');

      const sent = await runCliProcess(['send', CWM, '--dst', JSON.stringify([OKE, CWM]), '--cmd', 'rd', '--pld', '{"_ping":true}', '--db', db, '--json']);
      assert.equal(sent.code, 0, sent.stderr);
      const { okmId } = JSON.parse(sent.stdout) as { okmId: number };
      assert.equal((await clientB.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 2 })), key))).body, '{"push":true,"pull":true}');
      const pulled = await clientA.send('GET', signedPath('/pull', pullReqText(CWM), key));
      const okmText = /^\{"okm":(.*),"pull":false\}$/.exec(pulled.body)?.[1] ?? '';
      assert.equal(verifyOkmCrc(okmText).verdict, 'valid');
      assert.equal((await clientB.send('GET', signedPath('/pull', pullReqText(CWM), key))).body, '{"pull":false}', 'delivered by one node only');
      await clientB.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: okmId, payload: { _ping: true } })), key));

      const listed = await runCliProcess(['messages', CWM, '--db', db, '--json']);
      const messages = JSON.parse(listed.stdout) as Array<{ state: string; result: unknown }>;
      assert.deepEqual(messages.map((m) => [m.state, m.result]), [['answered', { _ping: true }]]);
      // The same OKM sent to both nodes at the same instant, 50 times: the unique constraint decides, once each.
      const racing = await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          const path = signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 1000 + i })), key);
          return Promise.all([clientA.send('POST', path), clientB.send('POST', path)]);
        }),
      );
      assert.ok(racing.flat().every((response) => response.status === 200 && response.body.startsWith('{"push":true')), 'both nodes acknowledge');
      const store = await openPostgresStore({ connectionString: db });
      try {
        assert.equal(await store.countOkms(CWM), 3 + 50, 'heartbeat 1 once, heartbeat 2, the answer, and each raced OKM once');
      } finally {
        await store.close();
      }
    } finally {
      clientA.close();
      clientB.close();
      await Promise.all([nodeA.stop(), nodeB.stop()]);
    }
  } finally {
    dirA.remove();
    dirB.remove();
    await database.drop();
  }
});

/** Opens the SSE stream of /api/v1/events and collects each event's type and data. */
function openEventStream(baseUrl: string, ca: string | null, authorization: string): { events: Array<{ type: string; data: unknown }>; close: () => void } {
  const events: Array<{ type: string; data: unknown }> = [];
  const url = new URL('/api/v1/events', baseUrl);
  const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { headers: { authorization }, ca: ca ?? undefined, servername: 'localhost' });
  let buffer = '';
  request.on('response', (response) => {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type !== undefined && data !== undefined) events.push({ type, data: JSON.parse(data) });
      }
    });
  });
  request.on('error', () => undefined);
  request.end();
  return { events, close: () => request.destroy() };
}

test('live events cross nodes: a console on node A sees pushes and message states handled by node B', { skip: await postgresSkipReason() }, async () => {
  const database = await createTestDatabase('opentps_events');
  const dirs = [createTempDataDir(), createTempDataDir()];
  try {
    const added = await runCliProcess(['device', 'add', CWM, '--db', database.url, '--data', dirs[0]?.path ?? '']);
    assert.equal(added.code, 0, added.stderr);
    const key = added.stdout.trim();
    const env = { OPENTPS_ADMIN_PASSWORD: 'events test password' };
    const [nodeA, nodeB] = await Promise.all(dirs.map((dir) => startServerProcess(dir.path, ['--db', database.url], env)));
    assert.ok(nodeA && nodeB);
    const token = await runCliProcess(['token', 'create', 'admin', '--db', database.url, '--data', dirs[0]?.path ?? '']);
    const stream = openEventStream(nodeA.url, nodeA.ca, `Bearer ${token.stdout.trim()}`);
    const streamB = openEventStream(nodeB.url, nodeB.ca, `Bearer ${token.stdout.trim()}`);
    const clientB = createDeviceHttpClient(nodeB.url, nodeB.ca);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const pushed = await clientB.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 9, payload: { _hbt: { temp: 182 } } })), key));
      assert.equal(pushed.status, 200);
      const deadline = Date.now() + 5000;
      while (!stream.events.some((e) => e.type === 'telemetry') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const telemetry = stream.events.find((e) => e.type === 'telemetry');
      assert.deepEqual(telemetry?.data, { cwmId: CWM, originId: OKE, at: (telemetry?.data as { at: string } | undefined)?.at, fields: { temp: 182 } });
      assert.ok(stream.events.some((e) => e.type === 'device-seen'), 'device-seen relayed too');
      const fromA = stream.events.filter((e) => e.type === 'telemetry').length;
      assert.equal(fromA, 1, 'each event arrives once');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(streamB.events.filter((e) => e.type === 'telemetry').length, 1, 'the handling node does not republish its own events');
    } finally {
      stream.close();
      streamB.close();
      clientB.close();
      await Promise.all([nodeA.stop(), nodeB.stop()]);
    }
  } finally {
    for (const dir of dirs) dir.remove();
    await database.drop();
  }
});

test('the database drops every connection of a node: devices get 503 + Retry-After at worst, then the node serves again; nothing is lost', { skip: await postgresSkipReason() }, async () => {
  const database = await createTestDatabase('opentps_reconnect');
  const dir = createTempDataDir();
  try {
    const added = await runCliProcess(['device', 'add', CWM, '--db', database.url, '--data', dir.path]);
    const key = added.stdout.trim();
    const node = await startServerProcess(dir.path, ['--db', database.url, '--http', '--retry-after', '2'], { OPENTPS_ADMIN_PASSWORD: 'reconnect test password' });
    const client = createDeviceHttpClient(node.url, node.ca);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const push = (id: number) => client.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id })), key));
      assert.equal((await push(1)).status, 200);
      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      assert.ok(Number(rows[0]?.n) >= 2, 'the node had its pool and its listener connected');
      const statuses: number[] = [];
      for (let id = 2; id <= 6; id++) {
        for (let attempt = 0; attempt < 5; attempt++) {
          const response = await push(id);
          statuses.push(response.status);
          if (response.status === 200) break;
          assert.equal(response.status, 503, response.body);
          assert.equal(response.headers['retry-after'], '2');
          assert.match(response.body, /ERR_STORE_UNAVAILABLE/);
        }
      }
      assert.equal(statuses.filter((status) => status === 200).length, 5, `every push stored in the end (${statuses.join(',')})`);
      const { rows: stored } = await admin.query<{ okm_id: string }>("SELECT (raw::json ->> '_id')::bigint AS okm_id FROM okms ORDER BY okm_id");
      assert.deepEqual(stored.map((row) => Number(row.okm_id)), [1, 2, 3, 4, 5, 6]);
    } catch (error) {
      throw new Error(`${String(error)}; node stderr: ${node.stderr().slice(-3000)}`, { cause: error });
    } finally {
      await admin.end();
      client.close();
      await node.stop();
    }
  } finally {
    dir.remove();
    await database.drop();
  }
});

test('/healthz follows the database: 503 while the node cannot reach it, 200 again once it can', { skip: await postgresSkipReason() }, async () => {
  const database = await createTestDatabase('opentps_health');
  const dir = createTempDataDir();
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  const name = new URL(database.url).pathname.slice(1);
  try {
    const node = await startServerProcess(dir.path, ['--db', database.url, '--http'], { OPENTPS_ADMIN_PASSWORD: 'health test password' });
    const client = createDeviceHttpClient(node.url, node.ca);
    try {
      assert.equal((await client.send('GET', '/healthz')).status, 200);
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      const down = await client.send('GET', '/healthz');
      assert.equal(down.status, 503, down.body);
      // "not answering" from the health query itself, "no connection" when a background write (the
      // retention pass the node runs at start) failed first, or "database shutting down" when a write (the
      // write probe, every second) was on a connection as pg_terminate_backend ended it (SQLSTATE 57P01,
      // seen once in CI): each takes the node out of rotation.
      assert.match(down.body, /^\{"status":"unavailable","error":"ERR_STORE_UNAVAILABLE","reason":"(not answering|no connection|database shutting down)"\}$/);
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      // Back in rotation without a restart: at once, or after the next write probe (every second) when a
      // write failed meanwhile.
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await client.send('GET', '/healthz')).status;
      }
      assert.equal(status, 200, 'back in rotation without a restart');
    } finally {
      client.close();
      await node.stop();
    }
  } finally {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    dir.remove();
    await database.drop();
  }
});
