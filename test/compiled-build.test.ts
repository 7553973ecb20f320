// The compiled build as production runs it: bin/opentps.mjs loads dist/ (built by `npm test` before the
// tests, and by `npm ci`), with tsx made unimportable in every thread, so a broken build or a worker that
// still needs tsx fails here while the other tests run the sources.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { COMPILED_ENTRY, runCliProcess, SOURCE_ENTRY, startServerProcess, type OpentpsEntry, type ServerProcess } from './support/server-process.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const REFUSE_TSX = join(import.meta.dirname, 'support', 'refuse-tsx.mjs');
const WITHOUT_TSX: OpentpsEntry = { ...COMPILED_ENTRY, nodeArgs: ['--import', REFUSE_TSX] };
const PACKAGE: unknown = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));

describe('the compiled build (bin/opentps.mjs running dist/, without tsx)', () => {
  test('dist/ holds the emitted CLI and the worker entries', () => {
    for (const file of ['cli/process-entry.js', 'main.js', 'adapters/storage/sqlite/sqlite-store-thread-main.js', 'adapters/storage/sqlite/sqlite-store-thread-worker.mjs', 'adapters/storage/sqlite/traffic-writer-worker.mjs', 'adapters/storage/sqlite/wal-checkpoint-worker.mjs']) {
      assert.ok(existsSync(join(import.meta.dirname, '..', 'dist', file)), `dist/${file} (run npm run build:server)`);
    }
  });

  test('the guard works: the sources cannot start once tsx is refused', async () => {
    const run = await runCliProcess(['--version'], { ...SOURCE_ENTRY, nodeArgs: ['--import', REFUSE_TSX] });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /tsx imported by the compiled build/);
  });

  test('--version prints the version of package.json and --help exits 0', async () => {
    assert.ok(typeof PACKAGE === 'object' && PACKAGE !== null && 'version' in PACKAGE);
    assert.deepEqual(await runCliProcess(['--version'], WITHOUT_TSX), { code: 0, stdout: `${String(PACKAGE.version)}\n`, stderr: '' });
    const help = await runCliProcess(['serve', '--help'], WITHOUT_TSX);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^usage: opentps serve/);
  });

  describe('serve on the embedded defaults (HTTPS, SQLite on its store thread)', () => {
    let dir: TempDataDir;
    let server: ServerProcess;
    before(async () => {
      dir = createTempDataDir();
      server = await startServerProcess(dir.path, [], { OPENTPS_ADMIN_PASSWORD: 'compiled build password' }, WITHOUT_TSX);
    });
    after(async () => {
      await server.stop();
      dir.remove();
    });

    test('answers /healthz over HTTPS with the self-signed certificate, and the console page from web/dist', async () => {
      assert.match(server.url, /^https:/);
      const { Agent, request } = await import('undici');
      const dispatcher = new Agent({ connect: { ca: server.ca ?? undefined } });
      const health = await request(`${server.url}/healthz`, { dispatcher });
      assert.equal(health.statusCode, 200, await health.body.text());
      const page = await request(`${server.url}/console/`, { dispatcher });
      assert.equal(page.statusCode, 200);
      assert.match(await page.body.text(), /<html/i);
      await dispatcher.close();
    });

    test('stops on SIGTERM with exit code 0', async () => {
      assert.equal(await server.stop(), 0);
    });
  });
});
