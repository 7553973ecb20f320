// The bytes of stored files on disk, addressed by SHA-256: <filesDir>/sha256/<ab>/<sha256>. An upload
// goes to <filesDir>/tmp first while it is hashed, is fsync'd, then renamed into place, so a reader
// never sees a partial file and a refused or failed upload leaves nothing behind. With PostgreSQL,
// every node points --files-dir at the same shared directory (NFS or similar).

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FileContentStore } from '../../../domain/file-content.js';
import { OpenTpsError } from '../../../errors.js';
import { createFileDigester, type FileDigests } from '../../../protocol/file-digests.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Bytes gathered before each write: fewer syscalls than one per network chunk, still small. */
const WRITE_BUFFER_BYTES = 256 * 1024;
/**
 * Open read handles kept for small ranged reads (a CWM fetching a file in parts hits the same file
 * again and again: one pread instead of open + read + close). Contents never change in place, so a
 * kept handle is never stale; one removed by this process is closed, one removed by another node
 * still reads the old bytes, which are never served since its name no longer resolves.
 */
const MAX_OPEN_HANDLES = 64;
/**
 * Read size of streamed downloads. With 256 KB, 20 concurrent 50 MB downloads grew the RSS by 42 MB in
 * one run on a loaded machine (freed buffers wait for GC); with 64 KB it stays near 20 MB.
 */
const STREAM_CHUNK_BYTES = 64 * 1024;

export function createDiskFileContent(filesDir: string): FileContentStore {
  const tmpDir = join(filesDir, 'tmp');

  const pathOf = (sha256: string): string => {
    // The address comes from our own digest or the store; checked anyway so no path is ever built from input.
    if (!SHA256_HEX.test(sha256)) throw new OpenTpsError('ERR_STORE_FAILED', 'not a SHA-256 content address');
    return join(filesDir, 'sha256', sha256.slice(0, 2), sha256);
  };

  const handles = new Map<string, Promise<FileHandle>>();
  const handleOf = (sha256: string): Promise<FileHandle> => {
    const cached = handles.get(sha256);
    if (cached !== undefined) {
      // Refresh its place in the LRU order.
      handles.delete(sha256);
      handles.set(sha256, cached);
      return cached;
    }
    const opening = open(pathOf(sha256), 'r');
    handles.set(sha256, opening);
    // The caller gets the open's failure (returned below); this only drops the failed handle from the cache.
    opening.catch(() => handles.delete(sha256));
    if (handles.size > MAX_OPEN_HANDLES) {
      const [oldest] = handles;
      if (oldest !== undefined) {
        handles.delete(oldest[0]);
        // A read in flight on it finishes first: close() waits for pending operations.
        // An evicted read handle: its open failed (its caller was told) or closing it failed, which loses nothing.
        void oldest[1].then((handle) => handle.close()).catch(() => undefined);
      }
    }
    return opening;
  };

  return {
    pathOf,
    async readRange(sha256, start, end) {
      const length = end - start + 1;
      const buffer = Buffer.allocUnsafe(length);
      const handle = await handleOf(sha256);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
        if (bytesRead === 0) throw new OpenTpsError('ERR_STORE_FAILED', `content ${sha256} is shorter than its recorded size`);
        filled += bytesRead;
      }
      return buffer;
    },
    async write(source, maxBytes) {
      const tmpPath = join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}.part`);
      const digester = createFileDigester();
      let digests: FileDigests;
      let handle;
      try {
        await mkdir(tmpDir, { recursive: true, mode: 0o700 });
        handle = await open(tmpPath, 'wx', 0o600);
      } catch (cause) {
        throw new OpenTpsError('ERR_STORE_FAILED', `cannot write in ${tmpDir}`, { cause });
      }
      try {
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const flush = async (): Promise<void> => {
          if (pendingBytes === 0) return;
          const buffer = pending.length === 1 && pending[0] !== undefined ? pending[0] : Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          await handle.write(buffer);
        };
        for await (const chunk of source) {
          if (digester.size + chunk.length > maxBytes) throw new OpenTpsError('ERR_FILE_TOO_LARGE', `more than ${maxBytes} bytes`);
          digester.update(chunk);
          pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BUFFER_BYTES) await flush();
        }
        await flush();
        await handle.sync();
        digests = digester.finish();
      } catch (error) {
        // The upload's own error is rethrown below; closing the handle on this path only releases it.
        await handle.close().catch(() => undefined);
        await rm(tmpPath, { force: true });
        throw error;
      }
      await handle.close();
      const finalPath = pathOf(digests.sha256);
      try {
        await mkdir(dirname(finalPath), { recursive: true, mode: 0o700 });
        // Same bytes already stored (another name, or a re-upload): keep the existing copy.
        const existing = await stat(finalPath).catch(() => null);
        if (existing !== null && existing.size === digests.size) await rm(tmpPath, { force: true });
        else await rename(tmpPath, finalPath);
        const dir = await open(dirname(finalPath), 'r');
        try {
          await dir.sync();
        } finally {
          await dir.close();
        }
      } catch (cause) {
        await rm(tmpPath, { force: true });
        throw new OpenTpsError('ERR_STORE_FAILED', 'cannot store the file content', { cause });
      }
      return digests;
    },
    openRange(sha256, start, end): Readable {
      return createReadStream(pathOf(sha256), { start, end, highWaterMark: STREAM_CHUNK_BYTES });
    },
    async remove(sha256) {
      const kept = handles.get(sha256);
      handles.delete(sha256);
      // A cached read handle of content being removed: whether it opened or closes cleanly changes nothing.
      if (kept !== undefined) await kept.then((handle) => handle.close()).catch(() => undefined);
      await rm(pathOf(sha256), { force: true });
    },
    async removeAbandonedUploads(olderThanMs) {
      let names: string[];
      try {
        names = await readdir(tmpDir);
      } catch {
        return 0;
      }
      let removed = 0;
      for (const name of names) {
        if (!name.endsWith('.part')) continue;
        const path = join(tmpDir, name);
        try {
          if ((await stat(path)).mtimeMs >= olderThanMs) continue;
          await rm(path, { force: true });
          removed++;
        } catch {
          // Finished or removed meanwhile (another node sharing the directory).
        }
      }
      return removed;
    },
  };
}
