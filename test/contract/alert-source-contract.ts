// Contract for what the alert sweep reads of the devices (AlertSourceStore, domain/alerts/alert-store.ts): CWMs
// with a backlog of unexpired queued messages, with messages expired lately, with a download of the current
// content of a file that stopped short, and the last request of every device seen.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileTransferRecord } from '../../src/domain/file-store.js';
import { CWM_A, CWM_B, HOUR_MS, T0, newMessage, registerDevice, type ContractContext } from './store-fixtures.js';

const SHA = 'b'.repeat(64);

function part(deviceId: string | null, rangeStart: number, bytesSent: number, endedAtMs: number): FileTransferRecord {
  return { fileName: 'fw.bin', fileSha256: SHA, deviceId, remoteAddress: '192.0.2.7', rangeStart, rangeEnd: 1022, bytesSent, status: 206, startedAtMs: endedAtMs - 1, endedAtMs };
}

export function defineAlertSourceContract(context: ContractContext): void {
  describe('alert sources', () => {
    test('listQueueBacklogs counts the unexpired queued messages of each CWM with at least so many', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      for (let n = 0; n < 3; n++) await context.store.enqueueMessage(newMessage(CWM_A));
      await context.store.enqueueMessage(newMessage(CWM_B, { expiresAtMs: T0 + 60_000 }));
      assert.deepEqual(await context.store.listQueueBacklogs(2, T0), [{ cwmId: CWM_A, count: 3 }]);
      assert.deepEqual(await context.store.listQueueBacklogs(1, T0), [{ cwmId: CWM_A, count: 3 }, { cwmId: CWM_B, count: 1 }]);
      assert.deepEqual(await context.store.listQueueBacklogs(1, T0 + 60_000), [{ cwmId: CWM_A, count: 3 }], 'an expired message is no backlog');
      assert.deepEqual(await context.store.listQueueBacklogs(4, T0), []);
    });

    test('listExpiredMessages counts the messages of each CWM expired after a time', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.enqueueMessage(newMessage(CWM_B, { expiresAtMs: T0 + 60_000 }));
      await context.store.enqueueMessage(newMessage(CWM_B, { expiresAtMs: T0 + 60_000 }));
      await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + 60_000 }));
      await context.store.enqueueMessage(newMessage(CWM_A, { expiresAtMs: T0 + HOUR_MS }));
      assert.equal(await context.store.expireMessages(T0 + 120_000), 3);
      assert.deepEqual(await context.store.listExpiredMessages(1, T0), [{ cwmId: CWM_A, count: 1 }, { cwmId: CWM_B, count: 2 }]);
      assert.deepEqual(await context.store.listExpiredMessages(2, T0), [{ cwmId: CWM_B, count: 2 }]);
      assert.deepEqual(await context.store.listExpiredMessages(1, T0 + 120_000), [], 'expired before the window');
    });

    test('listStalledTransfers counts the downloads of current content that stopped short and made no progress since', async () => {
      await context.store.putFile({ name: 'fw.bin', size: 1023, md5: 'a'.repeat(32), sha256: SHA, crc16: '29B1', contentType: 'application/octet-stream', createdAtMs: T0, uploadedBy: 'admin' }, false);
      await context.store.recordFileTransfer(part(CWM_A, 0, 500, T0 + 5));
      await context.store.recordFileTransfer(part(CWM_B, 0, 500, T0 + 5));
      await context.store.recordFileTransfer(part(CWM_B, 500, 523, T0 + 6));
      await context.store.recordFileTransfer(part(null, 0, 10, T0));
      assert.deepEqual(await context.store.listStalledTransfers(T0 + 5), [{ cwmId: CWM_A, count: 1 }], 'CWM_B has every byte');
      assert.deepEqual(await context.store.listStalledTransfers(T0 + 4), [], 'progress since');
      await context.store.putFile({ name: 'fw.bin', size: 2000, md5: 'c'.repeat(32), sha256: 'c'.repeat(64), crc16: '0000', contentType: 'application/octet-stream', createdAtMs: T0 + 10, uploadedBy: 'admin' }, true);
      assert.deepEqual(await context.store.listStalledTransfers(T0 + 100), [], 'the content was replaced: nobody waits for the old bytes');
    });

    test('device rhythms list the devices seen, with their last request, usual interval and site', async () => {
      await registerDevice(context.store, CWM_A);
      await registerDevice(context.store, CWM_B);
      await context.store.touchDevice(CWM_A, T0 + 5, '192.0.2.1');
      const rhythm = { deviceId: CWM_A, lastSeenAtMs: T0 + 5, typicalIntervalMs: null, siteId: null };
      assert.deepEqual(await context.store.listDeviceRhythms(), [rhythm], 'never seen: no rhythm');
      assert.deepEqual(await context.store.findDeviceRhythms([CWM_B, CWM_A, '00AA000000000000']), [rhythm]);
      assert.deepEqual(await context.store.findDeviceRhythms([]), []);
      const many = Array.from({ length: 1000 }, (_, n) => `00BB${String(n).padStart(12, '0')}`);
      assert.deepEqual(await context.store.findDeviceRhythms([...many, CWM_A]), [rhythm], 'more ids than one statement takes');
    });
  });
}
