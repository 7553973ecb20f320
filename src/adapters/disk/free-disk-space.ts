// How much room is left where OpenTPS writes (the data directory, the stored files), read with
// statfs: the space an unprivileged writer may still use, against the --min-free-disk-mb threshold.

import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

export type WatchedDirectoryRole = 'data' | 'files';

export interface WatchedDirectory {
  readonly role: WatchedDirectoryRole;
  readonly path: string;
}

export interface DiskSpaceReading {
  readonly role: WatchedDirectoryRole;
  readonly path: string;
  /** Null when the file system would not say (the reading failed). */
  readonly freeBytes: number | null;
  readonly totalBytes: number | null;
  /** Below the threshold (never, when the threshold is 0). */
  readonly isLow: boolean;
}

export interface DiskSpaceReport {
  /** The threshold in bytes; 0 when warnings are off. */
  readonly minFreeBytes: number;
  readonly directories: readonly DiskSpaceReading[];
}

/**
 * statfs of `path`, or of its nearest existing parent: a files directory is only created with the first
 * upload, and the file system it will be on is the one to watch.
 */
async function statfsNearest(path: string): Promise<{ freeBytes: number; totalBytes: number } | null> {
  for (let current = path; ; current = dirname(current)) {
    try {
      const stats = await statfs(current);
      // bavail, not bfree: the blocks reserved for root are not ours to count on.
      return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
    } catch (error) {
      const isMissing = typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
      if (!isMissing || dirname(current) === current) return null;
    }
  }
}

/**
 * Reads the free space of every directory now (one statfs each: cheap enough to do on every request).
 * @example await readDiskSpace([{ role: 'data', path: '/var/lib/opentps' }], 1024 * 1024 * 1024)
 */
export async function readDiskSpace(directories: readonly WatchedDirectory[], minFreeBytes: number): Promise<DiskSpaceReport> {
  const readings = await Promise.all(
    directories.map(async (directory): Promise<DiskSpaceReading> => {
      const space = await statfsNearest(directory.path);
      return {
        ...directory,
        freeBytes: space?.freeBytes ?? null,
        totalBytes: space?.totalBytes ?? null,
        isLow: space !== null && minFreeBytes > 0 && space.freeBytes < minFreeBytes,
      };
    }),
  );
  return { minFreeBytes, directories: readings };
}
