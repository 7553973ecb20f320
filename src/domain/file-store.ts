// The storage port of the managed file store: file metadata (the bytes live in a FileContentStore)
// and one row per device download or ranged part, on both backends.

import type { FileDigests } from '../protocol/file-digests.js';

export interface StoredFile extends FileDigests {
  readonly name: string;
  readonly contentType: string;
  readonly createdAtMs: number;
  /** The operator (or `cli`) who uploaded it. */
  readonly uploadedBy: string;
}

export interface FileTransferRecord {
  readonly fileName: string;
  /** The content served (a file replaced under the same name is another transfer). */
  readonly fileSha256: string;
  /** The registered device that signed the request; null for an anonymous download. */
  readonly deviceId: string | null;
  readonly remoteAddress: string | null;
  /** First and last byte asked for (inclusive); a whole-file download is 0..size-1. */
  readonly rangeStart: number;
  readonly rangeEnd: number;
  /** Bytes actually written to the connection (less than asked when the client went away). */
  readonly bytesSent: number;
  readonly status: number;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

export interface StoredFileTransfer extends FileTransferRecord {
  readonly id: number;
}

export interface FileTransferQuery {
  readonly fileName?: string;
  /** A registered device's transfers. */
  readonly deviceId?: string;
  /** Newest rows kept when there are more. */
  readonly limit: number;
}

/** Every download of one file content by one client (a device, or an address when unsigned), summed up. */
export interface FileTransferGroup {
  readonly fileName: string;
  readonly fileSha256: string;
  readonly deviceId: string | null;
  /** The address of an anonymous group; for a device, one of the addresses it used. */
  readonly remoteAddress: string | null;
  readonly requests: number;
  readonly bytesServed: number;
  readonly firstAtMs: number;
  /** The last time a request delivered any byte (or began, when none did). */
  readonly lastProgressAtMs: number;
  /** Byte ranges delivered, merged (adjacent ones too), inclusive ends, ordered. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
}

export interface FileStore {
  /**
   * Adds the file, or replaces the one of that name when `isReplacing`; returns the replaced entry.
   * @throws OpenTpsError ERR_FILE_EXISTS when a file of that name exists and `isReplacing` is false
   */
  putFile(file: StoredFile, isReplacing: boolean): Promise<StoredFile | null>;
  findFile(name: string): Promise<StoredFile | null>;
  /** Ordered by name. */
  listFiles(): Promise<StoredFile[]>;
  /** Removes the file and its transfer rows; returns what was removed, or null. */
  deleteFile(name: string): Promise<StoredFile | null>;
  /** How many names refer to this content (0: its bytes may be removed). */
  countFilesWithContent(sha256: string): Promise<number>;
  recordFileTransfer(transfer: FileTransferRecord): Promise<void>;
  /** Oldest first. */
  listFileTransfers(query: FileTransferQuery): Promise<StoredFileTransfer[]>;
  /**
   * Removes the download rows (one per part) that ended before `olderThanMs`; the progress of each
   * (file, client) is kept whole. Returns how many rows went.
   */
  pruneFileTransfers(olderThanMs: number): Promise<number>;
  /** Progress groups over every row of the file and/or device (no limit: summed in the store). */
  summarizeFileTransfers(query: { readonly fileName?: string; readonly deviceId?: string }): Promise<FileTransferGroup[]>;
}
