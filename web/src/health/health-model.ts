// The typed shape of GET /api/v1/health (docs/api.md "Health") and its parser, at the edge of the console.
import { readArray, readBoolean, readEnum, readNumber, readObject, readOptionalNumber, readOptionalString, readString } from '../json-reader.js';

export type NodeHealthStatus = 'ok' | 'warning' | 'unavailable';

export interface StoreHealth {
  readonly isAvailable: boolean;
  readonly error: string | null;
  /** "disk full", "I/O error", "not answering", ... */
  readonly reason: string | null;
  readonly failingSince: string | null;
  readonly lastFailureAt: string | null;
  readonly failedWrites: number;
}

export interface DirectorySpace {
  readonly role: 'data' | 'files';
  readonly path: string;
  readonly freeBytes: number | null;
  readonly totalBytes: number | null;
  readonly isLow: boolean;
}

export interface NodeHealth {
  readonly status: NodeHealthStatus;
  readonly store: StoreHealth;
  readonly disk: { readonly minFreeBytes: number; readonly directories: readonly DirectorySpace[] };
}

export function parseNodeHealth(value: unknown): NodeHealth {
  const object = readObject(value, 'health');
  const store = readObject(object['store'], 'health.store');
  const disk = readObject(object['disk'], 'health.disk');
  return {
    status: readEnum(object, 'status', ['ok', 'warning', 'unavailable'] as const, 'health'),
    store: {
      isAvailable: readBoolean(store, 'isAvailable', 'health.store'),
      error: readOptionalString(store, 'error', 'health.store'),
      reason: readOptionalString(store, 'reason', 'health.store'),
      failingSince: readOptionalString(store, 'failingSince', 'health.store'),
      lastFailureAt: readOptionalString(store, 'lastFailureAt', 'health.store'),
      failedWrites: readNumber(store, 'failedWrites', 'health.store'),
    },
    disk: {
      minFreeBytes: readNumber(disk, 'minFreeBytes', 'health.disk'),
      directories: readArray(disk['directories'], 'health.disk.directories').map((item, index) => {
        const path = `health.disk.directories[${index}]`;
        const directory = readObject(item, path);
        return {
          role: readEnum(directory, 'role', ['data', 'files'] as const, path),
          path: readString(directory, 'path', path),
          freeBytes: readOptionalNumber(directory, 'freeBytes', path),
          totalBytes: readOptionalNumber(directory, 'totalBytes', path),
          isLow: readBoolean(directory, 'isLow', path),
        };
      }),
    },
  };
}
