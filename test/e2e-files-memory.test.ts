// A 50 MB file served to 20 clients at once: the server streams from disk, so its resident memory
// stays flat (a resource assertion, not a timed one). The file is generated at test time, never committed.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const FILE_BYTES = 50 * 1024 * 1024;
const CLIENTS = 20;
/** Well under the file size: a server that buffered files would grow by 50 MB per client. */
const MAX_GROWTH_BYTES = 40 * 1024 * 1024;

function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, 'VmRSS readable');
  return Number(match[1]) * 1024;
}

function download(baseUrl: string, path: string): Promise<{ bytes: number; md5: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    let bytes = 0;
    request({ host: url.hostname, port: url.port, path }, (response) => {
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
      });
      response.on('end', () => resolve({ bytes, md5: hash.digest('hex') }));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

test('a 50 MB file served to 20 concurrent clients keeps the server RSS flat', { skip: process.platform !== 'linux' ? 'reads /proc' : false }, async () => {
  const dir = createTempDataDir();
  const source = join(dir.path, 'fw-50mb.bin');
  const out = createWriteStream(source);
  const expected = createHash('md5');
  for (let written = 0; written < FILE_BYTES; written += 1024 * 1024) {
    const block = randomBytes(1024 * 1024);
    expected.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const expectedMd5 = expected.digest('hex');
  const added = await runCliProcess(['file', 'add', source, '--name', 'fw-50mb.bin', '--data', dir.path]);
  assert.equal(added.code, 0, added.stderr);
  const server = await startServerProcess(dir.path, ['--http']);
  try {
    const pid = server.child.pid;
    assert.ok(pid !== undefined);
    // Warm up (code paths, buffers, the file in the page cache, which is not our RSS), then measure.
    assert.equal((await download(server.url, '/files/fw-50mb.bin')).md5, expectedMd5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseline = residentBytes(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, residentBytes(pid));
    }, 20);
    const results = await Promise.all(Array.from({ length: CLIENTS }, () => download(server.url, '/fw-50mb.bin')));
    clearInterval(sampler);
    peak = Math.max(peak, residentBytes(pid));
    for (const result of results) {
      assert.equal(result.bytes, FILE_BYTES);
      assert.equal(result.md5, expectedMd5);
    }
    const growth = peak - baseline;
    assert.ok(growth < MAX_GROWTH_BYTES, `RSS grew by ${(growth / 1048576).toFixed(1)} MB serving ${CLIENTS} x 50 MB (baseline ${(baseline / 1048576).toFixed(1)} MB)`);
    // Keep the figure visible in the test output.
    console.log(`RSS baseline ${(baseline / 1048576).toFixed(1)} MB, peak growth ${(growth / 1048576).toFixed(1)} MB`);
  } finally {
    await server.stop();
    dir.remove();
  }
});
