// The typed shapes of the files API (docs/api.md "Files") and their parsers, at the edge of the console.
import { readArray, readBoolean, readNumber, readObject, readOptionalString, readString, type JsonObject } from '../json-reader.js';

export interface StoredFile {
  readonly name: string;
  readonly size: number;
  readonly md5: string;
  readonly sha256: string;
  readonly crc16: string;
  readonly contentType: string;
  readonly createdAt: string;
  readonly uploadedBy: string;
  readonly url: string;
}

export interface FileList {
  readonly items: readonly StoredFile[];
  readonly maxFileBytes: number;
}

export interface TransferProgress {
  readonly fileName: string;
  readonly deviceId: string | null;
  readonly remoteAddress: string | null;
  readonly requests: number;
  readonly bytesServed: number;
  readonly coveredBytes: number;
  readonly fileSize: number;
  readonly completion: number;
  readonly isComplete: boolean;
  readonly isStalled: boolean;
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly lastProgressAt: string;
}

export function parseStoredFile(value: unknown, path = 'file'): StoredFile {
  const object = readObject(value, path);
  return {
    name: readString(object, 'name', path),
    size: readNumber(object, 'size', path),
    md5: readString(object, 'md5', path),
    sha256: readString(object, 'sha256', path),
    crc16: readString(object, 'crc16', path),
    contentType: readString(object, 'contentType', path),
    createdAt: readString(object, 'createdAt', path),
    uploadedBy: readString(object, 'uploadedBy', path),
    url: readString(object, 'url', path),
  };
}

export function parseFileList(value: unknown): FileList {
  const object = readObject(value, 'files');
  return {
    items: readArray(object['items'], 'files.items').map((item, i) => parseStoredFile(item, `files.items[${i}]`)),
    maxFileBytes: readNumber(object, 'maxFileBytes', 'files'),
  };
}

function readRange(value: unknown, path: string): readonly [number, number] {
  const pair = readArray(value, path);
  const [start, end] = pair;
  if (typeof start !== 'number' || typeof end !== 'number') throw new Error(`${path}: expected [start, end]`);
  return [start, end];
}

function parseProgress(value: unknown, path: string): TransferProgress {
  const object: JsonObject = readObject(value, path);
  return {
    fileName: readString(object, 'fileName', path),
    deviceId: readOptionalString(object, 'deviceId', path),
    remoteAddress: readOptionalString(object, 'remoteAddress', path),
    requests: readNumber(object, 'requests', path),
    bytesServed: readNumber(object, 'bytesServed', path),
    coveredBytes: readNumber(object, 'coveredBytes', path),
    fileSize: readNumber(object, 'fileSize', path),
    completion: readNumber(object, 'completion', path),
    isComplete: readBoolean(object, 'isComplete', path),
    isStalled: readBoolean(object, 'isStalled', path),
    ranges: readArray(object['ranges'], `${path}.ranges`).map((range, i) => readRange(range, `${path}.ranges[${i}]`)),
    lastProgressAt: readString(object, 'lastProgressAt', path),
  };
}

export function parseTransferList(value: unknown): TransferProgress[] {
  const object = readObject(value, 'transfers');
  return readArray(object['items'], 'transfers.items').map((item, i) => parseProgress(item, `transfers.items[${i}]`));
}

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
