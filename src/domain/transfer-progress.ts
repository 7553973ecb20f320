// Turns download rows into progress per (file, device): bytes served, the distinct byte ranges
// covered (merged), completion, and whether an incomplete transfer has stalled.

import type { StoredFileTransfer } from './file-store.js';

export interface TransferProgress {
  readonly fileName: string;
  readonly fileSha256: string;
  /** The registered device, or null for anonymous downloads (grouped by address). */
  readonly deviceId: string | null;
  readonly remoteAddress: string | null;
  readonly requests: number;
  readonly bytesServed: number;
  /** Distinct byte ranges delivered, merged, inclusive ends. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly coveredBytes: number;
  readonly fileSize: number;
  readonly completion: number;
  readonly isComplete: boolean;
  readonly isStalled: boolean;
  readonly firstAtMs: number;
  /** The last time a request delivered any byte. */
  readonly lastProgressAtMs: number;
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
 * Groups rows by file content and client (device id, else remote address).
 * @param sizeOf the size of the current content of a file, or null when it is gone or replaced
 */
export function summarizeTransfers(
  rows: readonly StoredFileTransfer[],
  sizeOf: (fileName: string, sha256: string) => number | null,
  nowMs: number,
  stallAfterMs: number,
): TransferProgress[] {
  const groups = new Map<string, StoredFileTransfer[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.fileName, row.fileSha256, row.deviceId ?? '', row.deviceId === null ? (row.remoteAddress ?? '') : '']);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const progress: TransferProgress[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    if (first === undefined) continue;
    const fileSize = sizeOf(first.fileName, first.fileSha256);
    if (fileSize === null) continue;
    // A request that delivered n bytes covered rangeStart..rangeStart+n-1: bytes go out in order.
    const delivered = group.filter((row) => row.bytesSent > 0).map((row) => [row.rangeStart, row.rangeStart + row.bytesSent - 1] as const);
    const ranges = mergeRanges(delivered);
    const coveredBytes = ranges.reduce((sum, [start, end]) => sum + (end - start + 1), 0);
    const isComplete = fileSize === 0 ? group.some((row) => row.status < 300) : coveredBytes >= fileSize;
    const lastProgressAtMs = Math.max(...group.map((row) => (row.bytesSent > 0 ? row.endedAtMs : row.startedAtMs)));
    progress.push({
      fileName: first.fileName,
      fileSha256: first.fileSha256,
      deviceId: first.deviceId,
      remoteAddress: group.at(-1)?.remoteAddress ?? first.remoteAddress,
      requests: group.length,
      bytesServed: group.reduce((sum, row) => sum + row.bytesSent, 0),
      ranges,
      coveredBytes,
      fileSize,
      completion: fileSize === 0 ? (isComplete ? 1 : 0) : Math.min(1, coveredBytes / fileSize),
      isComplete,
      isStalled: !isComplete && nowMs - lastProgressAtMs >= stallAfterMs,
      firstAtMs: Math.min(...group.map((row) => row.startedAtMs)),
      lastProgressAtMs,
    });
  }
  return progress.sort((a, b) => b.lastProgressAtMs - a.lastProgressAtMs);
}
