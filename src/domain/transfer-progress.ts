// Turns download records into progress per (file, device): bytes served, the distinct byte ranges
// covered (merged), completion, and whether an incomplete transfer has stalled.

import type { FileTransferGroup, StoredFileTransfer } from './file-store.js';

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

/**
 * Groups rows by file content and client (device id, else remote address), as the stores'
 * summarizeFileTransfers does in SQL. A part that delivered n bytes covered rangeStart..rangeStart+n-1.
 */
export function groupTransfers(rows: readonly StoredFileTransfer[]): FileTransferGroup[] {
  const groups = new Map<string, StoredFileTransfer[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.fileName, row.fileSha256, row.deviceId, row.deviceId === null ? row.remoteAddress : null]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].flatMap((group) => {
    const first = group[0];
    if (first === undefined) return [];
    return [{
      fileName: first.fileName,
      fileSha256: first.fileSha256,
      deviceId: first.deviceId,
      remoteAddress: first.remoteAddress,
      requests: group.length,
      bytesServed: group.reduce((sum, row) => sum + row.bytesSent, 0),
      firstAtMs: Math.min(...group.map((row) => row.startedAtMs)),
      lastProgressAtMs: Math.max(...group.map((row) => (row.bytesSent > 0 ? row.endedAtMs : row.startedAtMs))),
      ranges: mergeRanges(group.filter((row) => row.bytesSent > 0).map((row) => [row.rangeStart, row.rangeStart + row.bytesSent - 1] as const)),
    }];
  });
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
