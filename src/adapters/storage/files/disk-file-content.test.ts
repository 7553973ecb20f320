// Temporary files of uploads a crash cut short: removed once old enough, never an upload still being
// written, never anything but upload parts. Real files in a temporary directory.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTempDataDir } from '../../../../test/support/temp-data-dir.js';
import { createDiskFileContent } from './disk-file-content.js';

test('removeAbandonedUploads removes old upload parts only', async () => {
  const dir = createTempDataDir();
  try {
    const tmp = join(dir.path, 'tmp');
    mkdirSync(tmp, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const name of ['123-old.part', '456-fresh.part', 'notes.txt']) writeFileSync(join(tmp, name), 'bytes');
    utimesSync(join(tmp, '123-old.part'), twoHoursAgo, twoHoursAgo);
    utimesSync(join(tmp, 'notes.txt'), twoHoursAgo, twoHoursAgo);
    const content = createDiskFileContent(dir.path);
    assert.equal(await content.removeAbandonedUploads(Date.now() - 3_600_000), 1);
    assert.deepEqual(readdirSync(tmp).sort(), ['456-fresh.part', 'notes.txt']);
  } finally {
    dir.remove();
  }
});

test('removeAbandonedUploads on a files directory that has no tmp/ yet removes nothing', async () => {
  const dir = createTempDataDir();
  try {
    assert.equal(await createDiskFileContent(join(dir.path, 'never-used')).removeAbandonedUploads(Date.now()), 0);
  } finally {
    dir.remove();
  }
});
