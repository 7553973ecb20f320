import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredFileTransfer } from './file-store.js';
import { mergeRanges, summarizeTransfers } from './transfer-progress.js';

const SHA = 'b'.repeat(64);
let nextId = 1;
function row(deviceId: string | null, rangeStart: number, bytesSent: number, endedAtMs: number, remoteAddress = '192.0.2.1'): StoredFileTransfer {
  return {
    id: nextId++, fileName: 'fw.bin', fileSha256: SHA, deviceId, remoteAddress, rangeStart, rangeEnd: rangeStart + 99,
    bytesSent, status: 206, startedAtMs: endedAtMs - 1, endedAtMs,
  };
}
const sizeOf = (name: string, sha: string): number | null => (name === 'fw.bin' && sha === SHA ? 300 : null);

test('mergeRanges joins overlapping and adjacent ranges and keeps gaps', () => {
  assert.deepEqual(mergeRanges([[200, 299], [0, 99], [100, 149], [120, 130], [160, 170]]), [[0, 149], [160, 170], [200, 299]]);
  assert.deepEqual(mergeRanges([]), []);
});

test('a device that fetched every byte (in any order, with repeats) is complete', () => {
  const [progress] = summarizeTransfers([row('A', 200, 100, 10), row('A', 0, 100, 20), row('A', 0, 100, 25), row('A', 100, 100, 30)], sizeOf, 40, 1000);
  assert.ok(progress);
  assert.equal(progress.isComplete, true);
  assert.equal(progress.completion, 1);
  assert.equal(progress.bytesServed, 400, 'bytes served counts repeats');
  assert.equal(progress.coveredBytes, 300);
  assert.deepEqual(progress.ranges, [[0, 299]]);
});

test('an interrupted part covers only the bytes sent; no progress for the stall time marks it stalled', () => {
  const rows = [row('A', 0, 100, 1000), row('A', 100, 40, 2000)];
  const [early] = summarizeTransfers(rows, sizeOf, 2500, 60_000);
  assert.equal(early?.isStalled, false);
  assert.deepEqual(early?.ranges, [[0, 139]]);
  const [late] = summarizeTransfers(rows, sizeOf, 62_000, 60_000);
  assert.equal(late?.isStalled, true);
  assert.equal(late?.isComplete, false);
  assert.ok(Math.abs((late?.completion ?? 0) - 140 / 300) < 1e-9);
});

test('devices are summarised apart; anonymous downloads are grouped by address; replaced content is left out', () => {
  const rows = [row('A', 0, 100, 10), row('B', 0, 300, 20), row(null, 0, 50, 30, '198.51.100.1'), row(null, 0, 60, 40, '198.51.100.2'),
    { ...row('A', 0, 300, 50), fileSha256: 'c'.repeat(64) }];
  const progress = summarizeTransfers(rows, sizeOf, 100, 1000);
  assert.deepEqual(progress.map((p) => [p.deviceId, p.remoteAddress, p.coveredBytes]), [
    [null, '198.51.100.2', 60], [null, '198.51.100.1', 50], ['B', '192.0.2.1', 300], ['A', '192.0.2.1', 100],
  ]);
});
