import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { fetchFile, parseFileOrder, type ByteResponse, type FetchBytes } from './file-fetcher.js';

const CONTENT = randomBytes(10_000);
const MD5 = createHash('md5').update(CONTENT).digest('hex');
const ETAG = '"v1"';

/** A server for one file that answers ranges, and fails the requests `failing` says. */
function serveRanges(content: Buffer, failing: (n: number) => 'network' | number | null = () => null): { fetchBytes: FetchBytes; seen: Array<Record<string, string>> } {
  const seen: Array<Record<string, string>> = [];
  const fetchBytes: FetchBytes = async (_path, headers): Promise<ByteResponse> => {
    seen.push({ ...headers });
    const failure = failing(seen.length);
    if (failure === 'network') throw new Error('socket hang up');
    if (failure !== null) return { status: failure, headers: { 'retry-after': '0' }, body: Buffer.alloc(0) };
    const match = /^bytes=(\d+)-(\d+)$/.exec(headers['range'] ?? '');
    if (!match) return { status: 200, headers: { etag: ETAG }, body: content };
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), content.length - 1);
    if (start >= content.length) return { status: 416, headers: { 'content-range': `bytes */${content.length}` }, body: Buffer.alloc(0) };
    return { status: 206, headers: { etag: ETAG, 'content-range': `bytes ${start}-${end}/${content.length}` }, body: content.subarray(start, end + 1) };
  };
  return { fetchBytes, seen };
}

const OPTIONS = { chunkBytes: 4096, maxAttemptsPerChunk: 3, firstBackoffMs: 1, maxBackoffMs: 2, signQuery: () => 'sig', sleep: async () => undefined };

test('parseFileOrder reads {"file":{"name","md5"}} and ignores other payloads', () => {
  assert.deepEqual(parseFileOrder({ file: { name: 'fw.bin', md5: 'ABC' } }), { name: 'fw.bin', md5: 'abc' });
  assert.deepEqual(parseFileOrder({ file: { name: 'fw.bin' } }), { name: 'fw.bin', md5: null });
  assert.equal(parseFileOrder({ _ping: true }), null);
  assert.equal(parseFileOrder({ file: 'fw.bin' }), null);
});

test('a file is fetched in ranged chunks with If-Range after the first, and its MD5 checked', async () => {
  const server = serveRanges(CONTENT);
  const result = await fetchFile(server.fetchBytes, { name: 'fw.bin', md5: MD5 }, OPTIONS);
  assert.deepEqual(result, { ok: true, name: 'fw.bin', size: CONTENT.length, md5: MD5, requests: 3, retries: 0 });
  assert.deepEqual(server.seen.map((headers) => headers['range']), ['bytes=0-4095', 'bytes=4096-8191', 'bytes=8192-9999']);
  assert.equal(server.seen[0]?.['if-range'], undefined);
  assert.equal(server.seen[1]?.['if-range'], ETAG);
});

test('network failures and 5xx/429 answers are retried; the bytes still come out exact', async () => {
  const server = serveRanges(CONTENT, (n) => (n === 2 ? 'network' : n === 3 ? 503 : n === 5 ? 429 : null));
  const result = await fetchFile(server.fetchBytes, { name: 'fw.bin', md5: MD5 }, OPTIONS);
  assert.equal(result.ok, true);
  assert.equal(result.retries, 3);
});

test('it gives up after the attempts allowed, stops at once on 404, and reports an MD5 mismatch', async () => {
  const down = await fetchFile(serveRanges(CONTENT, () => 'network').fetchBytes, { name: 'fw.bin', md5: MD5 }, OPTIONS);
  assert.equal(down.ok, false);
  assert.equal(down.requests, 3);
  const missing = await fetchFile(serveRanges(CONTENT, () => 404).fetchBytes, { name: 'fw.bin', md5: MD5 }, OPTIONS);
  assert.deepEqual([missing.ok, missing.requests], [false, 1]);
  const wrong = await fetchFile(serveRanges(CONTENT).fetchBytes, { name: 'fw.bin', md5: '0'.repeat(32) }, OPTIONS);
  assert.equal(wrong.ok, false);
  assert.match(!wrong.ok ? wrong.error : '', /does not match/);
});

test('an empty file is fetched as such', async () => {
  const result = await fetchFile(serveRanges(Buffer.alloc(0)).fetchBytes, { name: 'empty.bin', md5: createHash('md5').digest('hex') }, OPTIONS);
  assert.deepEqual([result.ok, result.ok && result.size], [true, 0]);
});
