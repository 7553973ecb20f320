// The typed shapes of the files API (docs/api.md "Files"): the server's schemas (file-schemas.ts).
import type { Static } from '@sinclair/typebox';
import type { FileListSchema, StoredFileSchema, TransferProgressSchema } from '../../../src/adapters/admin-api/schemas/file-schemas.js';

export type StoredFile = Static<typeof StoredFileSchema>;
export type FileList = Static<typeof FileListSchema>;
export type TransferProgress = Static<typeof TransferProgressSchema>;

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
