import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTempDataDir } from '../../../test/support/temp-data-dir.js';
import { readDiskSpace } from './free-disk-space.js';

test('reads the free and total bytes of the file system under each directory, as statfs gives them', async () => {
  const dir = createTempDataDir();
  try {
    const report = await readDiskSpace([{ role: 'data', path: dir.path }], 1024);
    const stats = statfsSync(dir.path);
    const reading = report.directories[0];
    assert.equal(report.minFreeBytes, 1024);
    assert.equal(reading?.role, 'data');
    assert.equal(reading?.totalBytes, stats.blocks * stats.bsize);
    assert.ok((reading?.freeBytes ?? 0) > 0);
    assert.equal(reading?.isLow, false);
  } finally {
    dir.remove();
  }
});

test('a directory not created yet is measured on the file system of its nearest existing parent', async () => {
  const dir = createTempDataDir();
  try {
    const report = await readDiskSpace([{ role: 'files', path: join(dir.path, 'files', 'not', 'yet') }], 0);
    assert.equal(report.directories[0]?.path, join(dir.path, 'files', 'not', 'yet'));
    assert.equal(report.directories[0]?.totalBytes, statfsSync(dir.path).blocks * statfsSync(dir.path).bsize);
  } finally {
    dir.remove();
  }
});

test('a directory is low below the threshold, and never when the threshold is 0', async () => {
  const dir = createTempDataDir();
  try {
    const everything = Number.MAX_SAFE_INTEGER;
    assert.equal((await readDiskSpace([{ role: 'data', path: dir.path }], everything)).directories[0]?.isLow, true);
    assert.equal((await readDiskSpace([{ role: 'data', path: dir.path }], 0)).directories[0]?.isLow, false);
  } finally {
    dir.remove();
  }
});
