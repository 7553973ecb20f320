// The port for the bytes of stored files: written once while hashed, addressed by SHA-256, read in
// byte ranges as streams (never whole in memory).

import type { Readable } from 'node:stream';
import type { FileDigests } from '../protocol/file-digests.js';

export interface FileContentStore {
  /**
   * Streams `source` to a temporary file while computing its digests, makes it durable and moves it
   * to its content address. Nothing is left behind when it fails.
   * @throws OpenTpsError ERR_FILE_TOO_LARGE past `maxBytes` (the temporary file is removed first)
   */
  write(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<FileDigests>;
  /** Bytes start..end (inclusive) of the content. */
  openRange(sha256: string, start: number, end: number): Readable;
  /** Bytes start..end (inclusive) read at once: for small ranges, where a stream costs more than the bytes. */
  readRange(sha256: string, start: number, end: number): Promise<Buffer>;
  /** Removes the content (no error when already gone). */
  remove(sha256: string): Promise<void>;
  /**
   * Removes temporary files of uploads that stopped before `olderThanMs` (a process killed mid-upload);
   * an upload in progress keeps writing, so its file stays newer. Returns how many were removed.
   */
  removeAbandonedUploads(olderThanMs: number): Promise<number>;
  /** Where the content lives (for tools and tests). */
  pathOf(sha256: string): string;
}
