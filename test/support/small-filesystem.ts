// A small real file system for disk-full tests: a tmpfs of a few megabytes mounted on a fresh
// directory (root only), with a filler file to take its free space away and give it back.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallFilesystem {
  readonly path: string;
  /** Bytes free for writing now. */
  freeBytes(): number;
  /** Writes a file that leaves about `leaveBytes` free (filling a tmpfs is instant: it is memory). */
  fillLeaving(leaveBytes: number): void;
  /** Deletes the filler file, giving its space back. */
  removeFiller(): void;
  /** Unmounts and removes the mount point. */
  unmount(): Promise<void>;
}

/** Mounts a tmpfs of `sizeMb`; when this machine or user cannot, says why (for `t.skip`). */
export async function mountSmallFilesystem(sizeMb: number): Promise<SmallFilesystem | { readonly skipReason: string }> {
  if (process.platform !== 'linux') return { skipReason: `mounting a tmpfs needs Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { skipReason: 'mounting a tmpfs needs root' };
  const path = mkdtempSync(join(tmpdir(), 'opentps-small-fs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', path]);
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    return { skipReason: `cannot mount a ${sizeMb} MB tmpfs: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
  const filler = join(path, 'filler');
  const freeBytes = (): number => {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  };
  return {
    path,
    freeBytes,
    fillLeaving(leaveBytes) {
      writeFileSync(filler, Buffer.alloc(Math.max(0, freeBytes() - leaveBytes)));
    },
    removeFiller() {
      rmSync(filler, { force: true });
    },
    async unmount() {
      await run('umount', [path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
