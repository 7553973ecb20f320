// `opentps file add|list|rm` as an operator runs them: digests printed, reserved and invalid names
// refused with their codes, a file over --max-file-bytes refused without leaving anything behind.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

function filesUnder(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(path, entry.name)) : [join(path, entry.name)]));
  } catch {
    return [];
  }
}

test('file add prints the digests, file list shows them, file rm removes the file and its bytes', async () => {
  const dir = createTempDataDir();
  try {
    const source = join(dir.path, 'file1023.bin');
    const content = randomBytes(1023);
    writeFileSync(source, content);
    const data = join(dir.path, 'data');
    const added = await runCliProcess(['file', 'add', source, '--data', data]);
    assert.equal(added.code, 0, added.stderr);
    const md5 = createHash('md5').update(content).digest('hex');
    assert.match(added.stdout, new RegExp(`^file1023\\.bin 1023 md5=${md5} sha256=[0-9a-f]{64} crc16=[0-9A-F]{4}\\n$`));
    const renamed = await runCliProcess(['file', 'add', source, '--name', 'oven-fw.bin', '--data', data]);
    assert.equal(renamed.code, 0, renamed.stderr);
    const listed = await runCliProcess(['file', 'list', '--json', '--data', data]);
    const files = JSON.parse(listed.stdout) as Array<{ name: string; md5: string }>;
    assert.deepEqual(files.map((file) => [file.name, file.md5]), [['file1023.bin', md5], ['oven-fw.bin', md5]]);
    assert.equal(filesUnder(join(data, 'files', 'sha256')).length, 1, 'the same bytes are stored once');
    assert.equal((await runCliProcess(['file', 'rm', 'file1023.bin', '--data', data])).code, 0);
    assert.equal(filesUnder(join(data, 'files', 'sha256')).length, 1, 'still used by oven-fw.bin');
    assert.equal((await runCliProcess(['file', 'rm', 'oven-fw.bin', '--data', data])).code, 0);
    assert.equal(filesUnder(join(data, 'files', 'sha256')).length, 0);
    const again = await runCliProcess(['file', 'rm', 'oven-fw.bin', '--data', data]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ERR_FILE_NOT_FOUND/);
  } finally {
    dir.remove();
  }
});

test('file add refuses reserved and invalid names, existing names without --replace, and files over the limit, leaving nothing', async () => {
  const dir = createTempDataDir();
  try {
    const source = join(dir.path, 'big.bin');
    writeFileSync(source, randomBytes(5000));
    const data = join(dir.path, 'data');
    const cases: Array<[string[], string]> = [
      [['--name', 'pull'], 'ERR_FILE_NAME_RESERVED'],
      [['--name', '../escape.bin'], 'ERR_FILE_NAME_INVALID'],
      [['--name', '.hidden'], 'ERR_FILE_NAME_INVALID'],
      [['--max-file-bytes', '4999'], 'ERR_FILE_TOO_LARGE'],
    ];
    for (const [flags, code] of cases) {
      const result = await runCliProcess(['file', 'add', source, ...flags, '--data', data]);
      assert.equal(result.code, 1, flags.join(' '));
      assert.match(result.stderr, new RegExp(code), flags.join(' '));
    }
    assert.deepEqual(filesUnder(join(data, 'files')), [], 'no partial or temporary file');
    assert.equal((await runCliProcess(['file', 'add', source, '--data', data])).code, 0);
    const duplicate = await runCliProcess(['file', 'add', source, '--data', data]);
    assert.match(duplicate.stderr, /ERR_FILE_EXISTS/);
    assert.equal((await runCliProcess(['file', 'add', source, '--replace', '--data', data])).code, 0);
    const missing = await runCliProcess(['file', 'add', join(dir.path, 'nope.bin'), '--data', data]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
  } finally {
    dir.remove();
  }
});
