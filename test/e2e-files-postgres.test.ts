// Files on a PostgreSQL cluster, as README "Files" documents it: two nodes on one database share one
// --files-dir. A file added with the CLI (--db) is served by both nodes with the same ETag; a download
// from one node is in the transfers the other reports; a delete on one is seen by the other.
// Skipped (with the reason) where PostgreSQL is not reachable; .ci/run makes sure it is.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorCodeOf, sendBytes } from './support/byte-http.js';
import { waitUntil } from './support/fleet-harness.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';
import { createTestDatabase, postgresSkipReason } from './support/postgres-test-database.js';

test('two nodes on one PostgreSQL with a shared --files-dir serve the same files and see each other\'s transfers', { skip: await postgresSkipReason() }, async () => {
  const database = await createTestDatabase('opentps_files');
  const db = database.url;
  const shared = createTempDataDir('opentps-shared-files-');
  const dirA = createTempDataDir();
  const dirB = createTempDataDir();
  try {
    const content = randomBytes(100_000);
    const source = join(shared.path, 'source.bin');
    writeFileSync(source, content);
    const filesDir = join(shared.path, 'files');
    const added = await runCliProcess(['file', 'add', source, '--name', 'fw.bin', '--db', db, '--files-dir', filesDir]);
    assert.equal(added.code, 0, added.stderr);
    const token = async (dir: string): Promise<string> => (await runCliProcess(['token', 'create', 'admin', '--db', db, '--data', dir])).stdout.trim();
    const args = ['--http', '--db', db, '--files-dir', filesDir];
    const nodeA = await startServerProcess(dirA.path, args, { OPENTPS_ADMIN_PASSWORD: 'files cluster password' });
    const nodeB = await startServerProcess(dirB.path, args, { OPENTPS_ADMIN_PASSWORD: 'files cluster password' });
    try {
      const [fromA, fromB] = await Promise.all([sendBytes(nodeA.url, '/files/fw.bin'), sendBytes(nodeB.url, '/fw.bin', { headers: { range: 'bytes=50000-' } })]);
      assert.equal(fromA.status, 200);
      assert.equal(fromB.status, 206);
      assert.equal(fromA.headers['etag'], fromB.headers['etag']);
      assert.equal(createHash('md5').update(Buffer.concat([fromA.body.subarray(0, 50_000), fromB.body])).digest('hex'), createHash('md5').update(content).digest('hex'));

      const bearer = await token(dirA.path);
      const transfersOnB = async () =>
        JSON.parse((await sendBytes(nodeB.url, '/api/v1/files/fw.bin/transfers', { headers: { authorization: `Bearer ${bearer}` } })).body.toString()) as { requests: unknown[]; items: Array<{ isComplete: boolean }> };
      await waitUntil(async () => (await transfersOnB()).requests.length === 2, 10_000, 'both nodes\' downloads in the shared store');
      assert.deepEqual((await transfersOnB()).items.map((item) => item.isComplete), [true]);

      const removed = await sendBytes(nodeA.url, '/api/v1/files/fw.bin', { method: 'DELETE', headers: { authorization: `Bearer ${bearer}` } });
      assert.equal(removed.status, 200);
      assert.equal(errorCodeOf(await sendBytes(nodeB.url, '/files/fw.bin')), 'ERR_FILE_NOT_FOUND');
    } finally {
      await Promise.all([nodeA.stop(), nodeB.stop()]);
    }
  } finally {
    dirA.remove();
    dirB.remove();
    shared.remove();
    await database.drop();
  }
});
