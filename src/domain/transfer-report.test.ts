import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { CWM_A, CWM_B, isCode } from '../../test/contract/store-fixtures.js';
import { createTempDataDir, type TempDataDir } from '../../test/support/temp-data-dir.js';
import { createDiskFileContent } from '../adapters/storage/files/disk-file-content.js';
import { createFileLibrary, type FileLibrary } from './file-library.js';
import type { StoredFile } from './file-store.js';
import { createTransferReport, type TransferReport } from './transfer-report.js';

const STALL_AFTER_MS = 300_000;

describe('transfer report', () => {
  let fixture: DomainFixture;
  let filesDir: TempDataDir;
  let library: FileLibrary;
  let report: TransferReport;
  let file: StoredFile;

  async function* bytes(text: string): AsyncIterable<Uint8Array> {
    yield new TextEncoder().encode(text);
  }

  const served = (deviceId: string, rangeStart: number, bytesSent: number, endedAtMs: number, sha256 = file.sha256) =>
    fixture.store.recordFileTransfer({
      fileName: file.name, fileSha256: sha256, deviceId, remoteAddress: '192.0.2.10', rangeStart, rangeEnd: rangeStart + bytesSent - 1,
      bytesSent, status: 206, startedAtMs: endedAtMs - 10, endedAtMs,
    });

  beforeEach(async () => {
    fixture = openDomainFixture();
    filesDir = createTempDataDir('opentps-files-');
    library = createFileLibrary({ store: fixture.store, content: createDiskFileContent(join(filesDir.path, 'files')), clock: fixture.clock, maxFileBytes: 1_000_000 });
    report = createTransferReport({ store: fixture.store, files: library, clock: fixture.clock, stallAfterMs: STALL_AFTER_MS });
    file = await library.addFile('fw.bin', bytes('0123456789'), { uploadedBy: 'test' });
  });

  afterEach(async () => {
    await fixture.close();
    filesDir.remove();
  });

  test('a file\'s report merges each device\'s ranges, judges completion and stalls at the clock\'s now, and lists the requests', async () => {
    const nowMs = fixture.clock.nowMs();
    await served(CWM_A, 0, 6, nowMs - 1000);
    await served(CWM_A, 6, 4, nowMs - 500);
    await served(CWM_B, 0, 5, nowMs - STALL_AFTER_MS);
    const { progress, requests, atMs } = await report.reportFile('fw.bin', 2);
    assert.equal(atMs, nowMs);
    assert.deepEqual(
      progress.map((p) => ({ deviceId: p.deviceId, covered: p.coveredBytes, isComplete: p.isComplete, isStalled: p.isStalled })),
      [{ deviceId: CWM_A, covered: 10, isComplete: true, isStalled: false }, { deviceId: CWM_B, covered: 5, isComplete: false, isStalled: true }],
    );
    assert.equal(requests.length, 2);
  });

  test('a device\'s report leaves out downloads of content replaced since, and an unknown file is ERR_FILE_NOT_FOUND', async () => {
    await served(CWM_A, 0, 10, fixture.clock.nowMs(), 'f'.repeat(64));
    assert.deepEqual((await report.reportDevice(CWM_A)).progress, []);
    await served(CWM_A, 0, 3, fixture.clock.nowMs());
    assert.deepEqual((await report.reportDevice(CWM_A)).progress.map((p) => p.coveredBytes), [3]);
    await assert.rejects(report.reportFile('missing.bin', 10), isCode('ERR_FILE_NOT_FOUND'));
  });
});
