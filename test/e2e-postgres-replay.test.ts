// Replayed pulls in a cluster: two server processes on one PostgreSQL database. A pull taken by one node
// is refused by the other when replayed, whether at once or after a newer pull, and a new pull sent to
// both nodes at the same instant is taken by exactly one of them.
// Skipped (with the reason) where PostgreSQL is not reachable; .ci/run makes sure it is.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDeviceHttpClient, type DeviceResponse } from './support/device-http-client.js';
import { pullReqText, signedPath } from './support/device-requests.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CWM = '0002cace00000011';
const ROUNDS = 20;

test('a pull taken by one node is refused as a replay by the other, and a pull sent to both at once is taken once', { skip: await postgresSkipReason(), timeout: 120_000 }, async () => {
  const database = await createTestDatabase('opentps_replay');
  const dirs = [createTempDataDir(), createTempDataDir()];
  try {
    const added = await runCliProcess(['device', 'add', CWM, '--db', database.url, '--data', dirs[0]?.path ?? '']);
    assert.equal(added.code, 0, added.stderr);
    const key = added.stdout.trim();
    const env = { OPENTPS_ADMIN_PASSWORD: 'replay test password' };
    const nodes = await Promise.all(dirs.map((dir) => startServerProcess(dir.path, ['--db', database.url, '--http', '--device-requests-per-minute', '0'], env)));
    // The first start creates the operator `admin`; its token can be made only then.
    const token = await runCliProcess(['token', 'create', 'admin', '--db', database.url, '--data', dirs[0]?.path ?? '']);
    assert.equal(token.code, 0, token.stderr);
    const [a, b] = nodes.map((node) => createDeviceHttpClient(node.url, node.ca));
    assert.ok(a && b);
    const authorization = `Bearer ${token.stdout.trim()}`;
    try {
      const queue = async (seq: number): Promise<void> => {
        const response = await a.send('POST', `/api/v1/devices/${CWM}/messages`, {
          body: JSON.stringify({ destination: [CWM], cmd: 'wr', payload: { seq } }), contentType: 'application/json', headers: { authorization },
        });
        assert.equal(response.status, 201, response.body);
      };
      // A delivery is confirmed once its response has been written, so the client can read the answer a
      // moment before the state changes: wait (5 s at most) until `delivered` messages are as many as expected.
      const states = async (deliveredExpected: number): Promise<string[]> => {
        for (let attempt = 0; ; attempt++) {
          const response = await b.send('GET', `/api/v1/devices/${CWM}/messages`, { headers: { authorization } });
          const found = (JSON.parse(response.body) as { items: Array<{ state: string }> }).items.map((m) => m.state).sort();
          if (found.filter((state) => state === 'delivered').length >= deliveredExpected || attempt === 50) return found;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };

      await queue(0);
      await queue(1);
      const first = signedPath('/pull', pullReqText(CWM), key);
      const taken = await a.send('GET', first);
      assert.equal(taken.status, 200);
      assert.match(taken.body, /"seq":0/);
      for (const client of [b, a]) {
        const replayed = await client.send('GET', first);
        assert.equal(replayed.status, 503);
        assert.equal(replayed.body, '{"push":false,"pull":false,"error":"ERR_REPLAYED_REQUEST","reason":"repeated"}');
        assert.equal(replayed.headers['retry-after'], '1');
      }
      assert.deepEqual(await states(1), ['delivered', 'queued'], 'the replays delivered nothing');

      const second = await b.send('GET', signedPath('/pull', pullReqText(CWM), key));
      assert.match(second.body, /"seq":1/);
      const stale = await b.send('GET', first);
      assert.equal(stale.status, 503);
      assert.match(stale.body, /"reason":"stale"/);

      // The same new pull to both nodes at once, ROUNDS times: one answer carries the message, the other is refused.
      for (let round = 0; round < ROUNDS; round++) {
        await queue(100 + round);
        const path = signedPath('/pull', pullReqText(CWM), key);
        const answers: DeviceResponse[] = await Promise.all([a.send('GET', path), b.send('GET', path)]);
        const delivered = answers.filter((answer) => answer.status === 200 && answer.body.startsWith('{"okm":'));
        const refused = answers.filter((answer) => answer.status === 503 && answer.body.includes('ERR_REPLAYED_REQUEST'));
        assert.equal(delivered.length, 1, `round ${round}: ${answers.map((x) => `${x.status} ${x.body}`).join(' | ')}`);
        assert.equal(refused.length, 1, `round ${round}`);
      }
      assert.deepEqual(new Set(await states(2 + ROUNDS)), new Set(['delivered']));

      const device = await a.send('GET', `/api/v1/devices/${CWM}`, { headers: { authorization } });
      assert.equal((JSON.parse(device.body) as { device: { replaysRefusedCount: number } }).device.replaysRefusedCount, 3 + ROUNDS);
    } finally {
      a.close();
      b.close();
      await Promise.all(nodes.map((node) => node.stop()));
    }
  } finally {
    for (const dir of dirs) dir.remove();
    await database.drop();
  }
});
