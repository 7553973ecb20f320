import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkDeviceActivity, createDeviceActivityWriter, DeviceActivityBuffer, type DeviceActivityBatch } from './device-activity.js';
import type { PushRecord } from './telemetry-store.js';

const CWM = '0002000000000001';
const OKE = '0363000000000001';

function stored(originId: string, atMs: number, heartbeat: Record<string, unknown> | null, overrides: Partial<PushRecord> = {}): PushRecord {
  return {
    cwmId: CWM, originId, cmd: 'wr', okmId: 1, ts: null, tsEpochMs: null, isTsLocal: false, receivedAtMs: atMs, crcVerdict: 'valid',
    crcReceived: null, crcExpected: null, auth: 'hmac', rawOkm: '{}', payload: null, envelope: {}, remoteAddress: '198.51.100.1',
    dedupKey: null, heartbeat, answerCandidate: null, ...overrides,
  };
}

test('a second of pushes folds into one entry per device: counters add up, newest values win, heartbeat times kept in order', () => {
  const buffer = new DeviceActivityBuffer();
  buffer.noteStored(stored(CWM, 1000, { ti: 40, if: 'wifi' }), 1);
  buffer.noteStored(stored(OKE, 1100, { temp: 150, mode: 'fry' }), 2);
  buffer.noteStored(stored(OKE, 1200, { temp: 151 }, { crcVerdict: 'mismatch', remoteAddress: '198.51.100.2' }), 3);
  buffer.noteSeen(CWM, 1300, null);
  assert.equal(buffer.size, 3, 'one CWM row, two state rows (the CWM and its OKE)');
  const batch = buffer.take();
  assert.equal(buffer.size, 0, 'taking empties the buffer');
  const cwm = batch.cwms.get(CWM);
  assert.deepEqual(
    [cwm?.lastSeenAtMs, cwm?.remoteAddress, cwm?.okmCount, cwm?.crcFailureCount, cwm?.heartbeatAtMs],
    [1300, '198.51.100.2', 3, 1, [1000]],
    'a request without an address keeps the newest known one; only the CWM\'s own heartbeats time its interval',
  );
  const oke = batch.origins.get(OKE);
  assert.deepEqual([oke?.firstSeenAtMs, oke?.lastSeenAtMs, oke?.lastOkmRowId, oke?.lastHeartbeat, oke?.fieldsPatch], [1100, 1200, 3, { temp: 151 }, { temp: 151, mode: 'fry' }]);
});

test('a batch put back after a failed write sits under what came since: counts add once, the newer values win', () => {
  const buffer = new DeviceActivityBuffer();
  buffer.noteStored(stored(OKE, 1000, { temp: 150, mode: 'fry' }), 1);
  const failed = buffer.take();
  buffer.noteStored(stored(OKE, 2000, { temp: 160 }), 2);
  buffer.restore(failed);
  const merged = buffer.take();
  assert.equal(merged.cwms.get(CWM)?.okmCount, 2);
  const oke = merged.origins.get(OKE);
  assert.deepEqual([oke?.firstSeenAtMs, oke?.lastSeenAtMs, oke?.lastOkmRowId, oke?.fieldsPatch], [1000, 2000, 2, { temp: 160, mode: 'fry' }]);
});

test('chunks cover every device once, in key order, none larger than asked', () => {
  const buffer = new DeviceActivityBuffer();
  for (const n of [5, 3, 9, 1, 7]) buffer.noteStored(stored(`0363${String(n).padStart(12, '0')}`, n, null), n);
  const chunks = chunkDeviceActivity(buffer.take(), 3);
  assert.deepEqual(chunks.map((c) => c.cwms.size + c.origins.size), [3, 3]);
  const origins = chunks.flatMap((c) => [...c.origins.keys()]);
  assert.deepEqual(origins, [...origins].sort());
  assert.equal(origins.length, 5);
});

test('a write that fails keeps its devices for the next one, chunks already written are not written twice', async () => {
  const written: DeviceActivityBatch[] = [];
  const failures: number[] = [];
  let isRefusing = true;
  const writer = createDeviceActivityWriter({
    intervalMs: 60_000,
    maxDevicesPerWrite: 2,
    write: async (batch) => {
      if (isRefusing && written.length === 1) throw new Error('disk full');
      written.push(batch);
    },
    onWriteFailed: (_error, pending) => failures.push(pending),
  });
  try {
    for (const n of [1, 2, 3, 4]) writer.buffer.noteStored(stored(`0363${String(n).padStart(12, '0')}`, n, null), n);
    assert.equal(await writer.flush(), false, 'the flush says it failed');
    assert.deepEqual(failures, [3], 'of five devices (the CWM, four origins) the first chunk of two was written; the other three wait');
    isRefusing = false;
    assert.equal(await writer.flush(), true);
    const counted = written.reduce((sum, batch) => sum + [...batch.cwms.values()].reduce((n, cwm) => n + cwm.okmCount, 0), 0);
    assert.equal(counted, 4, 'each stored OKM counted once on its CWM');
    const origins = written.flatMap((batch) => [...batch.origins.keys()]);
    assert.equal(new Set(origins).size, origins.length, 'no origin written twice');
    assert.equal(origins.length, 4);
  } finally {
    await writer.close();
  }
});
