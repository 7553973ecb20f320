// The file store against the real server (--http on a free port): RFC 9110 range semantics at the
// edges, conditional requests, an interrupted download resumed to the exact bytes, traversal refused
// and recorded, signed downloads, rate limits, and uploads over the limit leaving nothing behind.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import { openServices, type Services } from '../src/main.js';
import { signRequest } from '../src/protocol/request-signature.js';
import { errorCodeOf, sendBytes } from './support/byte-http.js';
import { waitUntil } from './support/fleet-harness.js';
import { runCliProcess, startServerProcess, type ServerProcess } from './support/server-process.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const CWM = '0002000000000f01';
const KEY = 'file-test-key-0001';
const SIZE = 300_000;
const CONTENT = randomBytes(SIZE);
const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

let dir: TempDataDir;
let server: ServerProcess;
let operator: Services;
let token: string;

function signedQuery(req: object, key = KEY): string {
  const text = JSON.stringify(req);
  return `sha256hmac=${signRequest(text, key)}&req=${encodeURIComponent(text)}`;
}

function api(path: string, options: { method?: string; body?: Buffer | Readable; headers?: Record<string, string> } = {}) {
  return sendBytes(server.url, `/api/v1${path}`, { ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } });
}

function filesLeftOnDisk(): string[] {
  const root = join(dir.path, 'files');
  const walk = (path: string): string[] =>
    readdirSync(path, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(path, entry.name)) : [join(path, entry.name)]));
  return walk(root);
}

before(async () => {
  dir = createTempDataDir();
  server = await startServerProcess(dir.path, ['--http', '--max-file-bytes', String(1024 * 1024), '--file-requests-per-minute', '600'], { OPENTPS_ADMIN_PASSWORD: 'files test password' });
  const created = await runCliProcess(['token', 'create', 'admin', '--data', dir.path]);
  token = created.stdout.trim();
  operator = await openServices(loadConfig({ data: dir.path }, {}));
  await operator.registry.addDevice({ id: CWM, key: KEY });
  const uploaded = await api('/files?name=fw.bin', { method: 'POST', body: CONTENT, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(uploaded.status, 201, uploaded.body.toString());
});

after(async () => {
  await operator.store.close();
  await server.stop();
  dir.remove();
});

describe('ranges (RFC 9110)', () => {
  test('the whole file: 200 with Content-Length, Accept-Ranges, a strong ETag of the SHA-256 and Last-Modified', async () => {
    const response = await sendBytes(server.url, '/files/fw.bin');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-length'], String(SIZE));
    assert.equal(response.headers['accept-ranges'], 'bytes');
    assert.equal(response.headers['etag'], `"${createHash('sha256').update(CONTENT).digest('hex')}"`);
    assert.ok(Date.parse(String(response.headers['last-modified'])) > 0);
    assert.equal(md5(response.body), md5(CONTENT));
  });

  test('the first byte, the last byte, a suffix range and an open range answer 206 with exactly those bytes', async () => {
    const cases: Array<[string, number, number]> = [['bytes=0-0', 0, 0], [`bytes=${SIZE - 1}-${SIZE - 1}`, SIZE - 1, SIZE - 1], ['bytes=-100', SIZE - 100, SIZE - 1], [`bytes=${SIZE - 10}-`, SIZE - 10, SIZE - 1], [`bytes=5-${SIZE + 1000}`, 5, SIZE - 1]];
    for (const [range, start, end] of cases) {
      const response = await sendBytes(server.url, '/files/fw.bin', { headers: { range } });
      assert.equal(response.status, 206, range);
      assert.equal(response.headers['content-range'], `bytes ${start}-${end}/${SIZE}`, range);
      assert.equal(response.headers['content-length'], String(end - start + 1), range);
      assert.ok(response.body.equals(CONTENT.subarray(start, end + 1)), range);
    }
  });

  test('a range past the end is 416 with Content-Range bytes */size', async () => {
    for (const range of [`bytes=${SIZE}-`, `bytes=${SIZE + 5}-${SIZE + 10}`, 'bytes=-0']) {
      const response = await sendBytes(server.url, '/files/fw.bin', { headers: { range } });
      assert.equal(response.status, 416, range);
      assert.equal(response.headers['content-range'], `bytes */${SIZE}`);
      assert.equal(errorCodeOf(response), 'ERR_FILE_RANGE_UNSATISFIABLE');
    }
  });

  test('malformed ranges, other units and multiple ranges are ignored: the whole file', async () => {
    for (const range of ['bytes=9-3', 'bytes=abc', 'pages=1-2', 'bytes=0-1,4-5']) {
      const response = await sendBytes(server.url, '/files/fw.bin', { headers: { range } });
      assert.equal(response.status, 200, range);
      assert.equal(response.body.length, SIZE, range);
    }
  });

  test('HEAD answers the same headers and no body', async () => {
    const response = await sendBytes(server.url, '/files/fw.bin', { method: 'HEAD', headers: { range: 'bytes=0-9' } });
    assert.equal(response.status, 206);
    assert.equal(response.headers['content-length'], '10');
    assert.equal(response.body.length, 0);
  });
});

describe('conditional requests', () => {
  test('If-None-Match with the ETag answers 304; If-Range with it answers the range; a stale one the whole file', async () => {
    const etag = String((await sendBytes(server.url, '/files/fw.bin', { method: 'HEAD' })).headers['etag']);
    assert.equal((await sendBytes(server.url, '/files/fw.bin', { headers: { 'if-none-match': etag } })).status, 304);
    const fresh = await sendBytes(server.url, '/files/fw.bin', { headers: { range: 'bytes=0-99', 'if-range': etag } });
    assert.equal(fresh.status, 206);
    const stale = await sendBytes(server.url, '/files/fw.bin', { headers: { range: 'bytes=0-99', 'if-range': '"0000"' } });
    assert.equal(stale.status, 200);
    assert.equal(md5(stale.body), md5(CONTENT));
    const weak = await sendBytes(server.url, '/files/fw.bin', { headers: { range: 'bytes=0-99', 'if-range': `W/${etag}` } });
    assert.equal(weak.status, 200, 'If-Range needs a strong validator');
  });
});

describe('resuming', () => {
  test('a download interrupted half-way and resumed from where it stopped yields the exact file', async () => {
    // Big enough that the socket buffers (several MB each way on loopback) cannot hold the rest when the client goes away.
    const bigSize = 64 * 1024 * 1024;
    const big = randomBytes(bigSize);
    await operator.files.addFile('big-fw.bin', Readable.from([big]), { uploadedBy: 'test' });
    try {
      await resumeHalfWay(big);
    } finally {
      await operator.files.deleteFile('big-fw.bin');
    }
  });
});

/** Downloads half of big-fw.bin, drops the connection, resumes with Range + If-Range, checks bytes and tracking. */
async function resumeHalfWay(big: Buffer): Promise<void> {
  const bigSize = big.length;
  const url = new URL(server.url);
  const firstPart = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const outgoing = request({ host: url.hostname, port: url.port, path: `/big-fw.bin?${signedQuery({ devid: CWM, file: 'big-fw.bin' })}` }, (response) => {
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= bigSize / 2) {
          outgoing.destroy();
          resolve(Buffer.concat(chunks));
        }
      });
      response.on('error', () => undefined);
    });
    outgoing.on('error', () => undefined);
    outgoing.on('close', () => resolve(Buffer.concat(chunks)));
    outgoing.end();
    setTimeout(() => reject(new Error('no data')), 10_000).unref();
  });
  assert.ok(firstPart.length < bigSize, 'the first attempt really stopped early');
  const etag = String((await sendBytes(server.url, '/big-fw.bin', { method: 'HEAD' })).headers['etag']);
  const rest = await sendBytes(server.url, `/big-fw.bin?${signedQuery({ devid: CWM, file: 'big-fw.bin' })}`, { headers: { range: `bytes=${firstPart.length}-`, 'if-range': etag } });
  assert.equal(rest.status, 206);
  assert.equal(md5(Buffer.concat([firstPart, rest.body])), md5(big));

  // The server recorded both requests for the device, and the transfer is complete.
  const rowsOfBig = async () => (await operator.store.listFileTransfers({ deviceId: CWM, limit: 10 })).filter((row) => row.fileName === 'big-fw.bin');
  await waitUntil(async () => (await rowsOfBig()).length >= 2, 10_000, 'two transfer rows');
  const [first] = await rowsOfBig();
  assert.ok(first && first.bytesSent >= firstPart.length && first.bytesSent < bigSize, `the interrupted request recorded ${first?.bytesSent} bytes`);
  const progress = JSON.parse((await api(`/devices/${CWM}/transfers`)).body.toString()) as { items: Array<{ fileName: string; isComplete: boolean; completion: number; requests: number }> };
  assert.deepEqual(progress.items.filter((item) => item.fileName === 'big-fw.bin').map((item) => [item.isComplete, item.completion, item.requests]), [[true, 1, 2]]);
}

describe('names and paths', () => {
  test('path traversal (../, %2e%2e, %2f, absolute paths, NUL, backslash) is refused with ERR_FILE_NAME_INVALID and recorded', async () => {
    const paths = ['/files/../opentps.db', '/files/..%2fopentps.db', '/files/%2e%2e%2fopentps.db', '/files/%2E%2E', '/files/%2fetc%2fpasswd', '/files//etc/passwd',
      '/files/fw.bin%00.txt', '/files/..%5copentps.db', '/files/a\\b', '/%2e%2e%2fopentps.db', '/..%2f..%2fetc%2fpasswd'];
    for (const path of paths) {
      const response = await sendBytes(server.url, path);
      assert.equal(response.status, 400, path);
      assert.equal(errorCodeOf(response), 'ERR_FILE_NAME_INVALID', path);
    }
    await waitUntil(async () => (await operator.store.listTraffic({ deviceId: null, limit: 500 })).filter((entry) => entry.errorCode === 'ERR_FILE_NAME_INVALID').length >= paths.length, 10_000, 'the refusals in the traffic log');
  });

  test('files are served at the root too, without shadowing device routes; reserved names are refused at upload', async () => {
    assert.equal((await sendBytes(server.url, '/fw.bin')).body.length, SIZE);
    const pull = await sendBytes(server.url, '/pull');
    assert.equal(pull.body.toString(), '{"pull":false}');
    for (const name of ['pull', 'push', 'time', 'provision', 'files', 'api', 'console', 'pullform']) {
      const refused = await api(`/files?name=${name}`, { method: 'POST', body: Buffer.from('x'), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(refused.status, 400, name);
      assert.equal((JSON.parse(refused.body.toString()) as { error: string }).error, 'ERR_FILE_NAME_RESERVED', name);
    }
    const unknown = await sendBytes(server.url, '/no-such-file.bin');
    assert.equal(errorCodeOf(unknown), 'ERR_ROUTE_NOT_FOUND');
    assert.equal(errorCodeOf(await sendBytes(server.url, '/files/no-such-file.bin')), 'ERR_FILE_NOT_FOUND');
  });
});

describe('device authentication and limits', () => {
  test('a signed download names the device; a bad signature or another file is refused', async () => {
    const good = await sendBytes(server.url, `/files/fw.bin?${signedQuery({ devid: CWM, file: 'fw.bin' })}`, { headers: { range: 'bytes=0-0' } });
    assert.equal(good.status, 206);
    const bad = await sendBytes(server.url, `/files/fw.bin?${signedQuery({ devid: CWM, file: 'fw.bin' }, 'wrong-key-000000')}`);
    assert.equal(errorCodeOf(bad), 'ERR_SIGNATURE_INVALID');
    const other = await sendBytes(server.url, `/files/fw.bin?${signedQuery({ devid: CWM, file: 'other.bin' })}`);
    assert.equal(errorCodeOf(other), 'ERR_FILE_SIGNATURE_MISMATCH');
  });

  test('past the per-device request rate the server answers 429 with Retry-After', async () => {
    const query = signedQuery({ devid: CWM });
    let refused = null;
    for (let i = 0; i < 700 && refused === null; i++) {
      const response = await sendBytes(server.url, `/files/fw.bin?${query}`, { headers: { range: 'bytes=0-0' } });
      if (response.status === 429) refused = response;
    }
    assert.ok(refused, 'the limit of 600 per minute was reached');
    assert.equal(errorCodeOf(refused), 'ERR_FILE_RATE_LIMITED');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    const anonymous = await sendBytes(server.url, '/files/fw.bin', { method: 'HEAD' });
    assert.equal(anonymous.status, 200, 'other clients are not limited by this device');
  });
});

describe('uploads', () => {
  test('an upload over --max-file-bytes is refused with 413 and leaves no partial file, with or without Content-Length', async () => {
    const before = filesLeftOnDisk();
    const big = randomBytes(1024 * 1024 + 1);
    const declared = await api('/files?name=big.bin', { method: 'POST', body: big, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(declared.status, 413);
    assert.equal((JSON.parse(declared.body.toString()) as { error: string }).error, 'ERR_FILE_TOO_LARGE');
    const streamed = await api('/files?name=big.bin', { method: 'POST', body: Readable.from([big.subarray(0, 600_000), big.subarray(600_000)]), headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } });
    assert.equal(streamed.status, 413);
    assert.deepEqual(filesLeftOnDisk(), before, 'no temporary or content file left');
    const list = JSON.parse((await api('/files')).body.toString()) as { items: Array<{ name: string; size: number; md5: string; crc16: string }> };
    assert.deepEqual(list.items.map((item) => item.name), ['fw.bin']);
    assert.equal(list.items[0]?.md5, md5(CONTENT));
    assert.match(list.items[0]?.crc16 ?? '', /^[0-9A-F]{4}$/);
  });

  test('delete removes the file and its bytes; a second name for the same bytes keeps them', async () => {
    const small = randomBytes(1000);
    for (const name of ['a.bin', 'b.bin']) {
      assert.equal((await api(`/files?name=${name}`, { method: 'POST', body: small, headers: { 'content-type': 'application/octet-stream' } })).status, 201);
    }
    const sha = createHash('sha256').update(small).digest('hex');
    const contentPath = operator.fileContent.pathOf(sha);
    assert.equal((await api('/files/a.bin', { method: 'DELETE' })).status, 200);
    assert.ok(filesLeftOnDisk().includes(contentPath), 'still used by b.bin');
    assert.equal((await api('/files/b.bin', { method: 'DELETE' })).status, 200);
    assert.ok(!filesLeftOnDisk().includes(contentPath));
    assert.equal(errorCodeOf(await sendBytes(server.url, '/files/a.bin')), 'ERR_FILE_NOT_FOUND');
  });
});

test('at start the server removes the temporary file of an upload a crash cut short, and keeps a fresh one', async () => {
  const dir = createTempDataDir();
  const tmp = join(dir.path, 'files', 'tmp');
  mkdirSync(tmp, { recursive: true });
  const longAgo = new Date(Date.now() - 3 * 3_600_000);
  writeFileSync(join(tmp, '999-crashed.part'), randomBytes(1024));
  utimesSync(join(tmp, '999-crashed.part'), longAgo, longAgo);
  writeFileSync(join(tmp, '998-in-progress.part'), randomBytes(1024));
  const server = await startServerProcess(dir.path, ['--http']);
  try {
    const deadline = Date.now() + 5000;
    while (readdirSync(tmp).includes('999-crashed.part') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(readdirSync(tmp), ['998-in-progress.part']);
  } finally {
    await server.stop();
    dir.remove();
  }
});

test('at start the server removes download rows older than --transfer-rows-keep-days, keeping the progress', async () => {
  const dir = createTempDataDir();
  const dayMs = 86_400_000;
  const services = await openServices(loadConfig({ data: dir.path }, {}));
  const sha256 = 'd'.repeat(64);
  await services.store.putFile({ name: 'old.bin', size: 10, md5: 'e'.repeat(32), sha256, crc16: '0000', contentType: 'application/octet-stream', createdAtMs: 1, uploadedBy: 'test' }, false);
  const part = { fileName: 'old.bin', fileSha256: sha256, deviceId: null, remoteAddress: '192.0.2.9', rangeEnd: 4, bytesSent: 5, status: 206 };
  await services.store.recordFileTransfer({ ...part, rangeStart: 0, startedAtMs: Date.now() - 40 * dayMs, endedAtMs: Date.now() - 40 * dayMs });
  await services.store.recordFileTransfer({ ...part, rangeStart: 5, rangeEnd: 9, startedAtMs: Date.now() - 1000, endedAtMs: Date.now() - 1000 });
  await services.store.close();
  const server = await startServerProcess(dir.path, ['--http', '--transfer-rows-keep-days', '30']);
  const reader = await openServices(loadConfig({ data: dir.path }, {}));
  try {
    const deadline = Date.now() + 5000;
    let rows = await reader.store.listFileTransfers({ fileName: 'old.bin', limit: 10 });
    while (rows.length > 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      rows = await reader.store.listFileTransfers({ fileName: 'old.bin', limit: 10 });
    }
    assert.deepEqual(rows.map((row) => row.rangeStart), [5], 'the 40-day-old row went, the recent one stayed');
    const [group] = await reader.store.summarizeFileTransfers({ fileName: 'old.bin' });
    assert.deepEqual([group?.requests, group?.ranges], [2, [[0, 9]]], 'the progress still counts both parts');
  } finally {
    await reader.store.close();
    await server.stop();
    dir.remove();
  }
});
