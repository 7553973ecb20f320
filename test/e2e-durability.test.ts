// Durability, on SQLite and on PostgreSQL: `kill -9` the server while a CWM pushes; after a restart every acknowledged OKM is
// stored, the CWM's retries store nothing twice, and the message queue is exactly as it was.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPostgresStore } from '../src/adapters/storage/postgres/postgres-store.js';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/domain/store.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';

const CWM = '0002aabbccddeeff';
const OKE = '0363aabbccddeeff';
const TOTAL = 400;
const KILL_AFTER_ACKS = 150;
const WORKERS = 16;

/** The store the server wrote to, opened the way the CLI would: SQLite in the data directory, or PostgreSQL. */
async function openWrittenStore(dataDir: string, db: string | undefined): Promise<Store> {
  return db === undefined ? openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 }) : openPostgresStore({ connectionString: db });
}

async function storedOkmIds(dataDir: string, db: string | undefined): Promise<number[]> {
  const store = await openWrittenStore(dataDir, db);
  try {
    const okms = await store.listOkms({ cwmId: CWM, limit: TOTAL * 10 });
    return okms.map((okm) => okm.okmId ?? -1);
  } finally {
    await store.close();
  }
}

const BACKENDS = [
  { label: 'SQLite', skip: false as string | false, withDatabase: false },
  { label: 'PostgreSQL', skip: await postgresSkipReason(), withDatabase: true },
];

for (const backend of BACKENDS) test(`${backend.label}: kill -9 during pushes loses no acknowledged OKM, retries store nothing twice, and the queue survives`, { skip: backend.skip }, async () => {
  const dir = createTempDataDir();
  const database = backend.withDatabase ? await createTestDatabase('opentps_durability') : null;
  const db = database?.url;
  const storeArgs = db === undefined ? [] : ['--db', db];
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--data', dir.path, ...storeArgs])).stdout.trim();
    for (const n of [1, 2, 3]) {
      const sent = await runCliProcess(['send', CWM, '--dst', JSON.stringify([OKE, CWM]), '--cmd', 'wr', '--pld', JSON.stringify({ cmd: { relay: n } }), '--data', dir.path, ...storeArgs]);
      assert.equal(sent.code, 0, sent.stderr);
    }
    let server = await startServerProcess(dir.path, storeArgs);
    let client = createDeviceHttpClient(server.url, server.ca);
    const delivered = await client.send('GET', signedPath('/pull', pullReqText(CWM), key));
    assert.match(delivered.body, /"_id":1,/);

    const okmTexts = Array.from({ length: TOTAL }, (_, i) =>
      buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: i + 1, payload: { _hbt: { temp: 150 + (i % 40), seq: i + 1 } } }),
    );
    const acked = new Set<number>();
    let next = 0;
    let killed: Promise<number | null> | null = null;
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const index = next++;
        try {
          const response = await client.send('POST', signedPath('/push', pushReqText(okmTexts[index] ?? ''), key));
          if (response.status === 200 && response.body.startsWith('{"push":true')) acked.add(index + 1);
        } catch {
          // Connection reset by the kill: not acknowledged, the CWM keeps it and retries.
        }
        if (acked.size >= KILL_AFTER_ACKS && killed === null) killed = server.stop('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    assert.ok(killed !== null, 'the server was killed mid-run');
    await killed;
    client.close();
    assert.ok(acked.size >= KILL_AFTER_ACKS && acked.size < TOTAL, `acked ${acked.size} of ${TOTAL} before the kill`);

    const afterCrash = new Set(await storedOkmIds(dir.path, db));
    for (const id of acked) assert.ok(afterCrash.has(id), `acknowledged OKM ${id} survived kill -9`);
    // Device counters and last-seen times are written behind (device-activity.ts): a crash may lose the
    // last second of them, never count an OKM that is not stored.
    const crashed = await openWrittenStore(dir.path, db);
    const countedAfterCrash = (await crashed.findDevice(CWM))?.okmCount ?? -1;
    await crashed.close();
    assert.ok(countedAfterCrash >= 0 && countedAfterCrash <= afterCrash.size, `device counts ${countedAfterCrash} OKMs of ${afterCrash.size} stored`);

    server = await startServerProcess(dir.path, storeArgs);
    client = createDeviceHttpClient(server.url, server.ca);
    // A CWM retries what it has not seen acknowledged; to be harsh we also re-send everything acknowledged.
    for (let i = 0; i < TOTAL; i++) {
      const response = await client.send('POST', signedPath('/push', pushReqText(okmTexts[i] ?? ''), key));
      assert.equal(response.status, 200);
      assert.match(response.body, /^\{"push":true,"pull":true\}$/);
    }
    client.close();
    assert.equal(await server.stop('SIGTERM'), 0);

    const finalIds = await storedOkmIds(dir.path, db);
    assert.equal(finalIds.length, TOTAL, 'every OKM stored exactly once');
    const stopped = await openWrittenStore(dir.path, db);
    const counted = (await stopped.findDevice(CWM))?.okmCount;
    await stopped.close();
    assert.equal(counted, countedAfterCrash + (TOTAL - afterCrash.size), 'a clean stop writes every count it gathered, each new OKM once');
    assert.deepEqual([...new Set(finalIds)].sort((a, b) => a - b), Array.from({ length: TOTAL }, (_, i) => i + 1));

    const listed = await runCliProcess(['messages', CWM, '--json', '--data', dir.path, ...storeArgs]);
    const messages = JSON.parse(listed.stdout) as Array<{ okmId: number; state: string; payload: unknown }>;
    assert.deepEqual(
      messages.map((m) => [m.okmId, m.state, m.payload]),
      [
        [1, 'delivered', { cmd: { relay: 1 } }],
        [2, 'queued', { cmd: { relay: 2 } }],
        [3, 'queued', { cmd: { relay: 3 } }],
      ],
    );
  } finally {
    dir.remove();
    await database?.drop();
  }
});
