// Overload: with a deliberately tiny concurrency limit the server sheds load with 503 + Retry-After
// and stores nothing for a refused request; the retries then store everything exactly once.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import { buildUpstreamOkm, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CWM = '0002000000000777';
const COUNT = 100;

/** One request on its own connection, so that all of them are in flight together. */
function post(url: string, path: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method: 'POST', path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('past --max-inflight the server answers 503 with Retry-After, and the retries store every OKM once', async () => {
  const dir = createTempDataDir();
  const server = await startServerProcess(dir.path, ['--http', '--max-inflight', '1', '--retry-after', '7']);
  try {
    const key = (await runCliProcess(['device', 'add', CWM, '--data', dir.path])).stdout.trim();
    const paths = Array.from({ length: COUNT }, (_, i) => signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: i + 1 })), key));
    const first = await Promise.all(paths.map((path) => post(server.url, path)));
    const refused = first.flatMap((response, i) => (response.status === 503 ? [i] : []));
    assert.ok(refused.length > 0, 'some requests were refused as overload');
    for (const i of refused) {
      assert.equal(first[i]?.retryAfter, '7');
      assert.equal(first[i]?.body, '{"push":false,"pull":false,"error":"ERR_OVERLOADED"}');
    }
    for (const response of first) assert.ok(response.status === 200 || response.status === 503, `status ${response.status}`);

    const store = openSqliteStore({ dataDir: dir.path, durability: 'normal', busyTimeoutMs: 5000 });
    try {
      assert.equal(await store.countOkms(CWM), COUNT - refused.length, 'a refused push stored nothing');
      // The CWM backs off and retries, one at a time.
      for (const i of refused) {
        const retry = await post(server.url, paths[i] ?? '');
        assert.equal(retry.status, 200);
      }
      assert.equal(await store.countOkms(CWM), COUNT);
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
    dir.remove();
  }
});
