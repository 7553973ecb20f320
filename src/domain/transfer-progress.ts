// Turns download records into progress per (file, device): bytes served, the distinct byte ranges
// covered (merged), completion, and whether an incomplete transfer has stalled.

import type { FileTransferGroup, FileTransferRecord, StoredFileTransfer } from './file-store.js';

export interface TransferProgress extends FileTransferGroup {
  readonly coveredBytes: number;
  readonly fileSize: number;
  readonly completion: number;
  readonly isComplete: boolean;
  readonly isStalled: boolean;
}

/** Merges inclusive ranges (adjacent ones too), sorted. */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The client a download counts for: the device that signed it, else the address it came from. */
export function transferClientKey(transfer: Pick<FileTransferRecord, 'deviceId' | 'remoteAddress'>): string {
  return transfer.deviceId !== null ? `device:${transfer.deviceId}` : `address:${transfer.remoteAddress ?? ''}`;
}

/**
 * The group with one more download of its file content by its client (null: the first one). The stores
 * keep one such group per (file, content, client), updated with each download, so that a summary reads
 * one row per client however many parts were fetched. A part that delivered n bytes covered
 * rangeStart..rangeStart+n-1; a device's group keeps the address of its latest request.
 */
export function addTransferToGroup(group: FileTransferGroup | null, transfer: FileTransferRecord): FileTransferGroup {
  const progressAtMs = transfer.bytesSent > 0 ? transfer.endedAtMs : transfer.startedAtMs;
  const range = deliveredRange(transfer);
  const delivered: Array<readonly [number, number]> = range === null ? [] : [range];
  return {
    fileName: transfer.fileName,
    fileSha256: transfer.fileSha256,
    deviceId: transfer.deviceId,
    remoteAddress: transfer.remoteAddress ?? group?.remoteAddress ?? null,
    requests: (group?.requests ?? 0) + 1,
    bytesServed: (group?.bytesServed ?? 0) + transfer.bytesSent,
    firstAtMs: Math.min(group?.firstAtMs ?? transfer.startedAtMs, transfer.startedAtMs),
    lastProgressAtMs: Math.max(group?.lastProgressAtMs ?? progressAtMs, progressAtMs),
    ranges: delivered.length === 0 ? (group?.ranges ?? []) : mergeRanges([...(group?.ranges ?? []), ...delivered]),
  };
}

/** The byte range a part delivered (inclusive), or null when it delivered nothing. */
export function deliveredRange(transfer: Pick<FileTransferRecord, 'rangeStart' | 'bytesSent'>): readonly [number, number] | null {
  return transfer.bytesSent > 0 ? [transfer.rangeStart, transfer.rangeStart + transfer.bytesSent - 1] : null;
}

/** Groups download rows (oldest first) by file content and client, as the stores keep them. */
export function groupTransfers(rows: readonly StoredFileTransfer[]): FileTransferGroup[] {
  const groups = new Map<string, FileTransferGroup>();
  for (const row of rows) {
    const key = JSON.stringify([row.fileName, row.fileSha256, transferClientKey(row)]);
    groups.set(key, addTransferToGroup(groups.get(key) ?? null, row));
  }
  return [...groups.values()];
}

/**
 * Completion and stall state of each group, newest progress first.
 * @param sizeOf the size of the current content of a file, or null when it is gone or replaced (left out)
 */
export function progressOfGroups(
  groups: readonly FileTransferGroup[],
  sizeOf: (fileName: string, sha256: string) => number | null,
  nowMs: number,
  stallAfterMs: number,
): TransferProgress[] {
  const progress: TransferProgress[] = [];
  for (const group of groups) {
    const fileSize = sizeOf(group.fileName, group.fileSha256);
    if (fileSize === null) continue;
    const ranges = mergeRanges(group.ranges);
    const coveredBytes = ranges.reduce((sum, [start, end]) => sum + (end - start + 1), 0);
    const isComplete = fileSize === 0 ? group.requests > 0 : coveredBytes >= fileSize;
    progress.push({
      ...group,
      ranges,
      coveredBytes,
      fileSize,
      completion: fileSize === 0 ? (isComplete ? 1 : 0) : Math.min(1, coveredBytes / fileSize),
      isComplete,
      isStalled: !isComplete && nowMs - group.lastProgressAtMs >= stallAfterMs,
    });
  }
  return progress.sort((a, b) => b.lastProgressAtMs - a.lastProgressAtMs);
}

/** groupTransfers then progressOfGroups, for rows already in memory. */
export function summarizeTransfers(
  rows: readonly StoredFileTransfer[],
  sizeOf: (fileName: string, sha256: string) => number | null,
  nowMs: number,
  stallAfterMs: number,
): TransferProgress[] {
  return progressOfGroups(groupTransfers(rows), sizeOf, nowMs, stallAfterMs);
}
