// `opentps backup` and `opentps restore`: a backup taken from a running server under signed pushes holds
// every OKM acknowledged before it began and restores into a node that serves the same devices; restore is
// refused while a server has the store open; bad inputs are refused with one line and change nothing.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import type { CliIo } from '../src/cli/cli-io.js';
import { runCli } from '../src/cli/opentps.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const CWM = '0002000000bac0b0';
const WORKERS = 4;
/** Acknowledged pushes before the backup starts, so that it has something to prove. */
const ACKED_BEFORE_BACKUP = 300;
/** Bound of the push loop, whatever happens to the backup. */
const MAX_PUSHES = 50_000;

async function storedOkmIds(dataDir: string): Promise<Set<number | null>> {
  const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 });
  try {
    return new Set((await store.listOkms({ cwmId: CWM, limit: MAX_PUSHES })).map((okm) => okm.okmId));
  } finally {
    await store.close();
  }
}

describe('opentps backup and restore with a running server', () => {
  let dirs: TempDataDir[] = [];
  const tempDir = (): TempDataDir => {
    const dir = createTempDataDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs) dir.remove();
    dirs = [];
  });

  test('a backup taken while a server stores signed pushes holds every OKM acknowledged before it began, and restores into a node that serves the same device', async (t) => {
    const data = tempDir();
    const backupFile = join(tempDir().path, 'opentps-backup.db');
    const restored = tempDir();
    const key = (await runCliProcess(['device', 'add', CWM, '--data', data.path])).stdout.trim();
    const server = await startServerProcess(data.path, ['--http', '--device-requests-per-minute', '0']);
    const client = createDeviceHttpClient(server.url, null);
    const push = (id: number) => client.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id, payload: { _hbt: { temp: 150 + (id % 50), seq: id } } })), key));
    const ackedAtMs = new Map<number, number>();
    const refusals: string[] = [];
    let nextId = 1;
    let isPushing = true;
    /** Acknowledged before the backup command started: the backup must hold every one of these. */
    let ackedBefore: number[] = [];
    let onEnoughAcked: () => void = () => undefined;
    const enoughAcked = new Promise<void>((resolve) => (onEnoughAcked = resolve));
    const worker = async (): Promise<void> => {
      while (isPushing && nextId <= MAX_PUSHES) {
        const id = nextId++;
        const response = await push(id);
        if (response.status === 200 && response.body === '{"push":true,"pull":false}') ackedAtMs.set(id, Date.now());
        else refusals.push(`${id}: ${response.status} ${response.body}`);
        if (ackedAtMs.size >= ACKED_BEFORE_BACKUP) onEnoughAcked();
      }
      onEnoughAcked();
    };
    try {
      const workers = Array.from({ length: WORKERS }, worker);
      await enoughAcked;
      ackedBefore = [...ackedAtMs.keys()];
      const backupStartedAtMs = Date.now();
      const backup = await runCliProcess(['backup', '--out', backupFile, '--data', data.path]);
      const backupEndedAtMs = Date.now();
      isPushing = false;
      await Promise.all(workers);
      assert.equal(backup.code, 0, backup.stderr);
      assert.equal(backup.stdout.split(' ')[0], backupFile);
      assert.match(backup.stderr, /traffic\.db .* is not included/);
      assert.deepEqual(refusals.slice(0, 5), [], 'no push was refused during the backup');
      const ackedDuringBackup = [...ackedAtMs.values()].filter((atMs) => atMs > backupStartedAtMs && atMs < backupEndedAtMs).length;
      assert.ok(ackedDuringBackup > 0, 'devices were served while the backup ran');
      t.diagnostic(`backup command ran ${backupEndedAtMs - backupStartedAtMs} ms (${backup.stderr.trim()}); ${ackedDuringBackup} pushes acknowledged meanwhile`);
      assert.ok(ackedBefore.length >= ACKED_BEFORE_BACKUP);
    } finally {
      isPushing = false;
      client.close();
      assert.equal(await server.stop(), 0);
    }

    const restore = await runCliProcess(['restore', '--from', backupFile, '--data', restored.path]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stderr, /there was no store before/);
    const stored = await storedOkmIds(restored.path);
    assert.deepEqual(ackedBefore.filter((id) => !stored.has(id)), [], 'every OKM acknowledged before the backup began is in it');

    // The restored node knows the device and its key, and takes its pushes.
    const node = await startServerProcess(restored.path, ['--http']);
    const again = createDeviceHttpClient(node.url, null);
    try {
      assert.equal((await again.send('GET', '/healthz')).status, 200);
      const response = await again.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: MAX_PUSHES + 1 })), key));
      assert.deepEqual([response.status, response.body], [200, '{"push":true,"pull":false}']);
    } finally {
      again.close();
      assert.equal(await node.stop(), 0);
    }
  });

  test('restore is refused while a server has the store open and changes nothing; once it stopped, the old store is kept aside', async () => {
    const data = tempDir();
    const backupFile = join(tempDir().path, 'backup.db');
    const key = (await runCliProcess(['device', 'add', CWM, '--data', data.path])).stdout.trim();
    assert.equal((await runCliProcess(['backup', '--out', backupFile, '--data', data.path])).code, 0);
    const server = await startServerProcess(data.path, ['--http']);
    const client = createDeviceHttpClient(server.url, null);
    try {
      assert.equal((await client.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 })), key))).status, 200);
      const refused = await runCliProcess(['restore', '--from', backupFile, '--data', data.path]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^opentps: ERR_STORE_IN_USE: /);
      assert.deepEqual(readdirSync(data.path).filter((name) => name.includes('before-restore')), []);
      assert.equal((await client.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 2 })), key))).status, 200, 'the server went on serving');
    } finally {
      client.close();
      assert.equal(await server.stop(), 0);
    }
    assert.deepEqual([...(await storedOkmIds(data.path))].sort(), [1, 2], 'the refused restore changed nothing');

    const restore = await runCliProcess(['restore', '--from', backupFile, '--data', data.path]);
    assert.equal(restore.code, 0, restore.stderr);
    const kept = readdirSync(data.path).filter((name) => /^opentps\.db\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/.test(name));
    assert.equal(kept.length, 1, `the replaced store is kept: ${readdirSync(data.path).join(', ')}`);
    assert.deepEqual([...(await storedOkmIds(data.path))], [], 'the store is the backup, taken before any push');
    const keptDir = tempDir();
    assert.equal((await runCliProcess(['restore', '--from', join(data.path, kept[0] ?? ''), '--data', keptDir.path])).code, 0, 'the kept store is a whole store');
    assert.deepEqual([...(await storedOkmIds(keptDir.path))].sort(), [1, 2]);
  });
});

describe('opentps backup and restore refusals', () => {
  let dir: TempDataDir;
  let elsewhere: TempDataDir;
  beforeEach(() => {
    dir = createTempDataDir();
    elsewhere = createTempDataDir();
  });
  afterEach(() => {
    dir.remove();
    elsewhere.remove();
  });

  async function cli(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { env: {}, out: (text) => out.push(...text.split('\n')), err: (text) => err.push(...text.split('\n')) };
    return { code: await runCli(argv, io), out, err };
  }

  test('backup never overwrites a file: ERR_BACKUP_EXISTS, exit 1, the file untouched', async () => {
    assert.equal((await cli(['device', 'add', CWM, '--data', dir.path])).code, 0);
    const existing = join(elsewhere.path, 'taken.db');
    writeFileSync(existing, 'precious');
    const run = await cli(['backup', '--out', existing, '--data', dir.path]);
    assert.deepEqual([run.code, run.out], [1, []]);
    assert.match(run.err.join('\n'), /^opentps: ERR_BACKUP_EXISTS: /);
    assert.deepEqual(readdirSync(elsewhere.path), ['taken.db']);
  });

  test('backup of a data directory without a store is ERR_BACKUP_FAILED and leaves no file', async () => {
    const out = join(elsewhere.path, 'b.db');
    const run = await cli(['backup', '--out', out, '--data', join(dir.path, 'empty')]);
    assert.equal(run.code, 1);
    assert.match(run.err.join('\n'), /ERR_BACKUP_FAILED: .*opentps\.db is missing/);
    assert.deepEqual(readdirSync(elsewhere.path), []);
  });

  test('backup and restore need their file, and point PostgreSQL users to pg_dump and pg_restore', async () => {
    assert.equal((await cli(['backup', '--data', dir.path])).code, 2);
    assert.equal((await cli(['restore', '--data', dir.path])).code, 2);
    const pgBackup = await cli(['backup', '--out', join(elsewhere.path, 'x.db'), '--db', 'postgres://opentps@127.0.0.1/opentps']);
    assert.equal(pgBackup.code, 2);
    assert.match(pgBackup.err.join('\n'), /ERR_CLI_USAGE: .*pg_dump/);
    const pgRestore = await cli(['restore', '--from', join(elsewhere.path, 'x.db'), '--db', 'postgres://opentps@127.0.0.1/opentps']);
    assert.match(pgRestore.err.join('\n'), /ERR_CLI_USAGE: .*pg_restore/);
  });

  test('restore refuses a file that is not an OpenTPS backup with ERR_BACKUP_INVALID and changes nothing', async () => {
    assert.equal((await cli(['device', 'add', CWM, '--data', dir.path])).code, 0);
    const before = readdirSync(dir.path).sort();
    const notSqlite = join(elsewhere.path, 'notes.txt');
    writeFileSync(notSqlite, 'not a database at all, but long enough to have a header of one hundred bytes'.repeat(3));
    const run = await cli(['restore', '--from', notSqlite, '--data', dir.path]);
    assert.equal(run.code, 1);
    assert.match(run.err.join('\n'), /^opentps: ERR_BACKUP_INVALID: /);
    const missing = await cli(['restore', '--from', join(elsewhere.path, 'nope.db'), '--data', dir.path]);
    assert.match(missing.err.join('\n'), /ERR_BACKUP_INVALID: .*no such file/);
    assert.deepEqual(readdirSync(dir.path).sort(), before);
    assert.ok(existsSync(join(dir.path, 'opentps.db')));
  });
});
