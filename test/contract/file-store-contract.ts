// Contract for the file store's metadata and download rows (PROTOCOL.md A7), on every backend.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileTransferRecord, StoredFile } from '../../src/domain/file-store.js';
import { groupTransfers } from '../../src/domain/transfer-progress.js';
import { isOpenTpsError } from '../../src/errors.js';
import { CWM_A, CWM_B, T0, type ContractContext } from './store-fixtures.js';

function storedFile(name: string, overrides: Partial<StoredFile> = {}): StoredFile {
  return {
    name, size: 1023, md5: 'a'.repeat(32), sha256: 'b'.repeat(64), crc16: '29B1',
    contentType: 'application/octet-stream', createdAtMs: T0, uploadedBy: 'admin', ...overrides,
  };
}

function transfer(fileName: string, deviceId: string | null, overrides: Partial<FileTransferRecord> = {}): FileTransferRecord {
  return {
    fileName, fileSha256: 'b'.repeat(64), deviceId, remoteAddress: '192.0.2.7', rangeStart: 0, rangeEnd: 1022, bytesSent: 1023,
    status: 200, startedAtMs: T0, endedAtMs: T0 + 5, ...overrides,
  };
}

export function defineFileStoreContract(context: ContractContext): void {
  describe('files', () => {
    test('putFile keeps every field and findFile returns it after a restart', async () => {
      const file = storedFile('file1023.bin', { size: 2 ** 31 - 1 });
      assert.equal(await context.store.putFile(file, false), null);
      const reopened = await context.reopen();
      assert.deepEqual(await reopened.findFile('file1023.bin'), file);
      assert.equal(await reopened.findFile('FILE1023.BIN'), null, 'names are case-sensitive');
    });

    test('putFile refuses an existing name unless replacing, and returns the replaced entry', async () => {
      await context.store.putFile(storedFile('fw.bin'), false);
      await assert.rejects(context.store.putFile(storedFile('fw.bin', { size: 5 }), false), (error) => isOpenTpsError(error, 'ERR_FILE_EXISTS'));
      const replaced = await context.store.putFile(storedFile('fw.bin', { size: 5, sha256: 'c'.repeat(64) }), true);
      assert.equal(replaced?.size, 1023);
      assert.equal((await context.store.findFile('fw.bin'))?.size, 5);
    });

    test('listFiles is ordered by name; countFilesWithContent counts names sharing bytes', async () => {
      await context.store.putFile(storedFile('b.bin'), false);
      await context.store.putFile(storedFile('a.bin'), false);
      await context.store.putFile(storedFile('c.bin', { sha256: 'c'.repeat(64) }), false);
      assert.deepEqual((await context.store.listFiles()).map((file) => file.name), ['a.bin', 'b.bin', 'c.bin']);
      assert.equal(await context.store.countFilesWithContent('b'.repeat(64)), 2);
      assert.equal(await context.store.countFilesWithContent('d'.repeat(64)), 0);
    });

    test('deleteFile removes the file and its download rows, and says what it removed', async () => {
      await context.store.putFile(storedFile('fw.bin'), false);
      await context.store.recordFileTransfer(transfer('fw.bin', CWM_A));
      assert.equal((await context.store.deleteFile('fw.bin'))?.name, 'fw.bin');
      assert.equal(await context.store.findFile('fw.bin'), null);
      assert.deepEqual(await context.store.listFileTransfers({ fileName: 'fw.bin', limit: 10 }), []);
      assert.equal(await context.store.deleteFile('fw.bin'), null);
    });

    test('download rows keep every field and list oldest first, by file, by device, or both', async () => {
      const rows = [
        transfer('fw.bin', CWM_A, { rangeStart: 0, rangeEnd: 511, bytesSent: 512, status: 206 }),
        transfer('fw.bin', null, { remoteAddress: '198.51.100.1', bytesSent: 100 }),
        transfer('menu.json', CWM_A),
        transfer('fw.bin', CWM_B, { startedAtMs: T0 + 10, endedAtMs: T0 + 20 }),
        transfer('fw.bin', CWM_A, { rangeStart: 512, rangeEnd: 1022, bytesSent: 511, status: 206 }),
      ];
      for (const row of rows) await context.store.recordFileTransfer(row);
      const ofFile = await context.store.listFileTransfers({ fileName: 'fw.bin', limit: 100 });
      assert.deepEqual(ofFile.map(({ id: _id, ...row }) => row), [rows[0], rows[1], rows[3], rows[4]]);
      assert.ok(ofFile.every((row) => typeof row.id === 'number'));
      const ofDevice = await context.store.listFileTransfers({ deviceId: CWM_A, limit: 100 });
      assert.deepEqual(ofDevice.map((row) => row.fileName), ['fw.bin', 'menu.json', 'fw.bin']);
      const both = await context.store.listFileTransfers({ fileName: 'fw.bin', deviceId: CWM_A, limit: 1 });
      assert.deepEqual(both.map((row) => row.rangeStart), [512], 'the limit keeps the newest rows');
      assert.equal((await context.store.listFileTransfers({ limit: 100 })).length, 5);
    });

    test('summarizeFileTransfers merges delivered ranges per file content and client, over every row', async () => {
      const other = 'c'.repeat(64);
      const rows = [
        transfer('fw.bin', CWM_A, { rangeStart: 0, rangeEnd: 99, bytesSent: 100, startedAtMs: T0, endedAtMs: T0 + 1 }),
        transfer('fw.bin', CWM_A, { rangeStart: 100, rangeEnd: 199, bytesSent: 100, startedAtMs: T0 + 2, endedAtMs: T0 + 3 }),
        transfer('fw.bin', CWM_A, { rangeStart: 50, rangeEnd: 120, bytesSent: 71, startedAtMs: T0 + 4, endedAtMs: T0 + 5 }),
        transfer('fw.bin', CWM_A, { rangeStart: 500, rangeEnd: 1022, bytesSent: 10, startedAtMs: T0 + 6, endedAtMs: T0 + 7 }),
        transfer('fw.bin', CWM_A, { rangeStart: 700, rangeEnd: 1022, bytesSent: 0, startedAtMs: T0 + 8, endedAtMs: T0 + 30 }),
        transfer('fw.bin', CWM_B, { rangeStart: 0, rangeEnd: 1022, bytesSent: 1023 }),
        transfer('fw.bin', null, { remoteAddress: '198.51.100.1', rangeStart: 10, bytesSent: 5 }),
        transfer('fw.bin', null, { remoteAddress: '198.51.100.2', rangeStart: 20, bytesSent: 5 }),
        transfer('fw.bin', CWM_A, { fileSha256: other, rangeStart: 0, bytesSent: 7 }),
        transfer('menu.json', CWM_A, { rangeStart: 0, bytesSent: 3 }),
      ];
      for (const row of rows) await context.store.recordFileTransfer(row);
      const sortGroups = <T extends { deviceId: string | null; remoteAddress: string | null; fileSha256: string; fileName: string }>(groups: T[]) =>
        [...groups].sort((a, b) => JSON.stringify([a.fileName, a.fileSha256, a.deviceId, a.remoteAddress]).localeCompare(JSON.stringify([b.fileName, b.fileSha256, b.deviceId, b.remoteAddress])));
      const ofFile = await context.store.summarizeFileTransfers({ fileName: 'fw.bin' });
      assert.deepEqual(sortGroups(ofFile), sortGroups(groupTransfers(await context.store.listFileTransfers({ fileName: 'fw.bin', limit: 100 }))));
      const deviceA = ofFile.find((group) => group.deviceId === CWM_A && group.fileSha256 === 'b'.repeat(64));
      assert.deepEqual(deviceA?.ranges, [[0, 199], [500, 509]]);
      assert.deepEqual([deviceA?.requests, deviceA?.bytesServed, deviceA?.firstAtMs, deviceA?.lastProgressAtMs], [5, 281, T0, T0 + 8]);
      const ofDevice = await context.store.summarizeFileTransfers({ deviceId: CWM_A });
      assert.deepEqual(ofDevice.map((group) => [group.fileName, group.fileSha256.slice(0, 1)]).sort(), [['fw.bin', 'b'], ['fw.bin', 'c'], ['menu.json', 'b']]);
      assert.deepEqual(await context.store.summarizeFileTransfers({ fileName: 'nothing.bin' }), []);
    });

    test('scattered parts in random order: the ranges kept are exactly the merged union of what was sent', async () => {
      await context.store.putFile(storedFile('fw.bin'), false);
      let seed = 7;
      const next = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const parts = Array.from({ length: 150 }, () => {
        const start = next(1000);
        return transfer('fw.bin', CWM_A, { rangeStart: start, bytesSent: 1 + next(12), startedAtMs: T0, endedAtMs: T0 });
      });
      for (const part of parts) await context.store.recordFileTransfer(part);
      const [group] = await context.store.summarizeFileTransfers({ fileName: 'fw.bin', deviceId: CWM_A });
      const [expected] = groupTransfers(parts.map((part, id) => ({ ...part, id })));
      assert.ok(expected && expected.ranges.length > 5, 'the parts leave gaps');
      assert.deepEqual(group?.ranges, expected.ranges);
    });

    test('pruneFileTransfers removes old part rows and keeps the progress of each client whole', async () => {
      await context.store.putFile(storedFile('fw.bin'), false);
      await context.store.recordFileTransfer(transfer('fw.bin', CWM_A, { rangeStart: 0, bytesSent: 500, startedAtMs: T0, endedAtMs: T0 + 1 }));
      await context.store.recordFileTransfer(transfer('fw.bin', CWM_A, { rangeStart: 500, bytesSent: 523, startedAtMs: T0 + 100, endedAtMs: T0 + 101 }));
      assert.equal(await context.store.pruneFileTransfers(T0 + 50), 1);
      assert.deepEqual((await context.store.listFileTransfers({ fileName: 'fw.bin', limit: 10 })).map((row) => row.rangeStart), [500]);
      const [group] = await context.store.summarizeFileTransfers({ fileName: 'fw.bin' });
      assert.deepEqual([group?.requests, group?.bytesServed, group?.ranges], [2, 1023, [[0, 1022]]], 'progress counts the pruned part');
      assert.equal(await context.store.pruneFileTransfers(T0 + 50), 0);
    });

    test('parts recorded at once for one client all count (the progress row is never overwritten by a concurrent part)', async () => {
      await context.store.putFile(storedFile('fw.bin'), false);
      const parts = Array.from({ length: 40 }, (_, i) => transfer('fw.bin', CWM_A, { rangeStart: i * 10, rangeEnd: i * 10 + 9, bytesSent: 10, startedAtMs: T0 + i, endedAtMs: T0 + i }));
      await Promise.all(parts.map((part) => context.store.recordFileTransfer(part)));
      const [group] = await context.store.summarizeFileTransfers({ fileName: 'fw.bin', deviceId: CWM_A });
      assert.deepEqual([group?.requests, group?.bytesServed, group?.ranges], [40, 400, [[0, 399]]]);
      await context.store.deleteFile('fw.bin');
      assert.deepEqual(await context.store.summarizeFileTransfers({ deviceId: CWM_A }), [], 'deleting the file deletes its progress');
    });
  });
}
