// How far devices got downloading the managed files (PROTOCOL.md A7): the progress of each file and
// client, against the file's current content, stalled after the configured idle time, and the
// individual requests. transfer-progress.ts does the arithmetic.

import type { Clock } from './clock.js';
import type { FileLibrary } from './file-library.js';
import type { FileStore, FileTransferGroup, StoredFile, StoredFileTransfer } from './file-store.js';
import { progressOfGroups, type TransferProgress } from './transfer-progress.js';

export interface TransferReportDeps {
  readonly store: Pick<FileStore, 'summarizeFileTransfers' | 'listFileTransfers'>;
  readonly files: Pick<FileLibrary, 'getFile' | 'listFiles'>;
  readonly clock: Clock;
  /** A download with no progress for this long is stalled. */
  readonly stallAfterMs: number;
}

export interface FileTransferReport {
  readonly file: StoredFile;
  /** Newest progress first; clients of a replaced or deleted content are left out. */
  readonly progress: TransferProgress[];
  /** The file's latest requests, oldest first. */
  readonly requests: StoredFileTransfer[];
  /** The instant stalls were judged at. */
  readonly atMs: number;
}

export interface DeviceTransferReport {
  readonly progress: TransferProgress[];
  readonly atMs: number;
}

export interface TransferReport {
  /** @throws OpenTpsError ERR_FILE_NOT_FOUND */
  reportFile(name: string, requestLimit: number): Promise<FileTransferReport>;
  reportDevice(deviceId: string): Promise<DeviceTransferReport>;
}

/** @example const transfers = createTransferReport({ store, files, clock, stallAfterMs: 300_000 }); */
export function createTransferReport(deps: TransferReportDeps): TransferReport {
  const progressOf = async (groups: readonly FileTransferGroup[]): Promise<DeviceTransferReport> => {
    const current = new Map((await deps.files.listFiles()).map((file) => [file.name, file] as const));
    const sizeOf = (name: string, sha256: string): number | null => {
      const file = current.get(name);
      return file !== undefined && file.sha256 === sha256 ? file.size : null;
    };
    const atMs = deps.clock.nowMs();
    return { progress: progressOfGroups(groups, sizeOf, atMs, deps.stallAfterMs), atMs };
  };
  return {
    async reportFile(name, requestLimit) {
      const file = await deps.files.getFile(name);
      const [groups, requests] = await Promise.all([
        deps.store.summarizeFileTransfers({ fileName: file.name }),
        deps.store.listFileTransfers({ fileName: file.name, limit: requestLimit }),
      ]);
      return { file, requests, ...(await progressOf(groups)) };
    },
    async reportDevice(deviceId) {
      return progressOf(await deps.store.summarizeFileTransfers({ deviceId }));
    },
  };
}
