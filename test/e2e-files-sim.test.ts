// The simulator's file fetch against the real server over HTTPS: a pulled message naming a file
// makes each virtual CWM download it in signed 64 KB ranges, retry the parts refused by the rate
// limit (429 + Retry-After), check the MD5 and answer the message; the server tracks every transfer.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { summarizeTransfers } from '../src/domain/transfer-progress.js';
import { createFleetHarness, waitUntil } from './support/fleet-harness.js';
import { startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const FILE_BYTES = 4 * 1024 * 1024 + 123;

test('virtual CWMs told to fetch a file download it in ranged chunks with retries, verify the MD5 and answer', async () => {
  const dir = createTempDataDir();
  // 64 parts per CWM against 60 requests a minute: the last parts are refused once and retried.
  const server = await startServerProcess(dir.path, ['--file-requests-per-minute', '60']);
  const harness = await createFleetHarness({ dataDir: dir.path, url: server.url, ca: server.ca, devices: 3, okesPerCwm: 1, intervalMs: 1000, maxBackoffMs: 2000, seed: 7 });
  try {
    const content = randomBytes(FILE_BYTES);
    const md5 = createHash('md5').update(content).digest('hex');
    const file = await harness.operator.files.addFile('fw-4mb.bin', Readable.from([content]), { uploadedBy: 'test' });
    harness.fleet.start();
    const ids: number[] = [];
    for (const plan of harness.plans) {
      ids.push((await harness.operator.queue.queueMessage({ destination: [plan.id], cmd: 'wr', payload: { file: { name: 'fw-4mb.bin', md5 } } })).id);
    }
    const answered = async (): Promise<boolean> => {
      for (const id of ids) if ((await harness.operator.store.findMessage(id))?.state !== 'answered') return false;
      return true;
    };
    await waitUntil(answered, 60_000, 'every file order to be answered');
    for (const id of ids) {
      const result = (await harness.operator.store.findMessage(id))?.result as { file?: { ok: boolean; md5: string; size: number; retries: number } } | null;
      assert.equal(result?.file?.ok, true, JSON.stringify(result));
      assert.equal(result?.file?.md5, md5);
      assert.equal(result?.file?.size, FILE_BYTES);
      assert.ok((result?.file?.retries ?? 0) >= 1, 'the rate limit made it retry');
    }
    assert.equal(harness.fleet.stats.filesFetched, 3);
    assert.equal(harness.fleet.stats.fileBytes, 3 * FILE_BYTES);
    assert.equal(harness.fleet.stats.fileFailures, 0);

    const rows = await harness.operator.store.listFileTransfers({ fileName: 'fw-4mb.bin', limit: 10_000 });
    const progress = summarizeTransfers(rows, () => file.size, Date.now(), 600_000);
    assert.deepEqual(progress.map((p) => p.deviceId).sort(), harness.plans.map((plan) => plan.id).sort(), 'signed downloads are attributed to each CWM');
    assert.ok(progress.every((p) => p.isComplete && p.bytesServed === FILE_BYTES));
    assert.ok(rows.some((row) => row.status === 206 && row.rangeEnd - row.rangeStart + 1 === 64 * 1024));
  } finally {
    await harness.fleet.stop();
    await harness.close();
    await server.stop();
    dir.remove();
  }
});
