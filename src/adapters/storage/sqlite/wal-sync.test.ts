import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { join } from 'node:path';
import { writeFileSync, unlinkSync } from 'node:fs';
import { createTempDataDir } from '../../../../test/support/temp-data-dir.js';
import { createWalSync } from './wal-sync.js';

const dir = createTempDataDir();
after(() => dir.remove());

test('concurrent sync requests share at most one running and one waiting fdatasync, and all resolve', async () => {
  const path = join(dir.path, 'x.db-wal');
  writeFileSync(path, 'frames');
  const walSync = createWalSync(path);
  const first = walSync.sync();
  const joined = [walSync.sync(), walSync.sync(), walSync.sync()];
  assert.equal(joined[0], joined[1], 'requests made while one sync runs join the same follow-up sync');
  assert.equal(joined[1], joined[2]);
  assert.notEqual(first, joined[0], 'a request during a running sync waits for the next one, which starts after it');
  await Promise.all([first, ...joined]);
  walSync.close();
});

test('a replaced WAL file is re-opened, and a missing one fails the sync instead of pretending', async () => {
  const path = join(dir.path, 'y.db-wal');
  writeFileSync(path, 'a');
  const walSync = createWalSync(path);
  await walSync.sync();
  unlinkSync(path);
  await assert.rejects(walSync.sync(), /ENOENT/);
  writeFileSync(path, 'b');
  await walSync.sync();
  walSync.close();
});
