// Two OpenTPS nodes on one PostgreSQL (--db): a CWM registered and a message queued with the CLI, pushes
// and pulls spread over both nodes, a duplicate push to the other node stored once, the answer matched.
// Skipped (with the reason) where PostgreSQL is not reachable; .ci/run makes sure it is.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import { verifyOkmCrc } from '../src/protocol/okm-crc.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';

const CWM = '0002d00d00000001';
const OKE = '0363d00d00000001';

test('two nodes on one PostgreSQL serve one CWM: queue, pull and answer across nodes, a duplicate stored once', { skip: await postgresSkipReason() }, async () => {
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
      const store = await openPostgresStore({ connectionString: db });
      try {
        assert.equal(await store.countOkms(CWM), 3, 'heartbeat 1 once, heartbeat 2, the answer');
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
