// The managed file store (PROTOCOL.md A7): adds files from a stream (validated name, size limit,
// digests), lists and deletes them; bytes shared by several names are removed with the last one.

import { OpenTpsError } from '../errors.js';
import { isReservedFileName, isValidFileName } from '../protocol/file-name.js';
import type { Clock } from './clock.js';
import type { FileContentStore } from './file-content.js';
import type { FileStore, StoredFile } from './file-store.js';

export interface FileLibraryDeps {
  readonly store: FileStore;
  readonly content: FileContentStore;
  readonly clock: Clock;
  readonly maxFileBytes: number;
}

export interface NewFileOptions {
  readonly uploadedBy: string;
  readonly contentType?: string | undefined;
  readonly isReplacing?: boolean | undefined;
}

export interface FileLibrary {
  /**
   * @throws OpenTpsError ERR_FILE_NAME_INVALID, ERR_FILE_NAME_RESERVED, ERR_FILE_TOO_LARGE, ERR_FILE_EXISTS
   */
  addFile(name: string, source: AsyncIterable<Uint8Array>, options: NewFileOptions): Promise<StoredFile>;
  listFiles(): Promise<StoredFile[]>;
  /** @throws OpenTpsError ERR_FILE_NOT_FOUND */
  getFile(name: string): Promise<StoredFile>;
  /** @throws OpenTpsError ERR_FILE_NOT_FOUND */
  deleteFile(name: string): Promise<StoredFile>;
  readonly maxFileBytes: number;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/;

/** Checks a name before any byte is read, so a refused upload costs nothing. */
export function assertUsableFileName(name: string): void {
  if (!isValidFileName(name)) throw new OpenTpsError('ERR_FILE_NAME_INVALID', JSON.stringify(name.slice(0, 200)));
  if (isReservedFileName(name)) throw new OpenTpsError('ERR_FILE_NAME_RESERVED', name);
}

export function createFileLibrary(deps: FileLibraryDeps): FileLibrary {
  const removeUnusedContent = async (sha256: string): Promise<void> => {
    if ((await deps.store.countFilesWithContent(sha256)) === 0) await deps.content.remove(sha256);
  };

  return {
    maxFileBytes: deps.maxFileBytes,
    async addFile(name, source, options) {
      assertUsableFileName(name);
      if (options.isReplacing !== true && (await deps.store.findFile(name)) !== null) throw new OpenTpsError('ERR_FILE_EXISTS', name);
      const contentType = options.contentType !== undefined && CONTENT_TYPE.test(options.contentType) ? options.contentType.toLowerCase() : DEFAULT_CONTENT_TYPE;
      const digests = await deps.content.write(source, deps.maxFileBytes);
      const file: StoredFile = { name, ...digests, contentType, createdAtMs: deps.clock.nowMs(), uploadedBy: options.uploadedBy };
      let replaced: StoredFile | null;
      try {
        replaced = await deps.store.putFile(file, options.isReplacing === true);
      } catch (error) {
        // Another upload took the name meanwhile: the bytes just written belong to nobody.
        await removeUnusedContent(digests.sha256);
        throw error;
      }
      if (replaced !== null && replaced.sha256 !== file.sha256) await removeUnusedContent(replaced.sha256);
      return file;
    },
    listFiles: () => deps.store.listFiles(),
    async getFile(name) {
      const file = isValidFileName(name) ? await deps.store.findFile(name) : null;
      if (file === null) throw new OpenTpsError('ERR_FILE_NOT_FOUND', name.slice(0, 200));
      return file;
    },
    async deleteFile(name) {
      const removed = isValidFileName(name) ? await deps.store.deleteFile(name) : null;
      if (removed === null) throw new OpenTpsError('ERR_FILE_NOT_FOUND', name.slice(0, 200));
      await removeUnusedContent(removed.sha256);
      return removed;
    },
  };
}
