// GET /api/v1/health: what /healthz decides, with the detail an operator needs (since when and how many
// writes failed, free space under each directory against --min-free-disk-mb). The console shows it.

import { judgeStoreHealth } from '../../domain/store-health.js';
import type { Store } from '../../domain/store.js';
import type { WriteHealth } from '../../domain/write-health.js';
import type { DiskSpaceReport } from '../disk/free-disk-space.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses } from './schemas/common-schemas.js';
import { NodeHealthSchema } from './schemas/health-schemas.js';

export interface HealthApiDeps {
  readonly store: Pick<Store, 'checkHealth'>;
  readonly writeHealth: WriteHealth;
  /** Free space under the data and files directories, read now. */
  readonly readDiskSpace: () => Promise<DiskSpaceReport>;
}

const isoOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function registerHealthApiRoutes(api: AdminApi, deps: HealthApiDeps): void {
  const summary = 'Whether this node can store (as /healthz decides, with the reason and since when) and free disk space against --min-free-disk-mb';
  api.get('/health', { schema: { summary, response: { 200: NodeHealthSchema, ...errorResponses() } } }, async () => {
    const [store, disk] = await Promise.all([judgeStoreHealth(deps.store, deps.writeHealth), deps.readDiskSpace()]);
    const isDiskLow = disk.directories.some((directory) => directory.isLow);
    const failure = store.isAvailable ? null : store.writeFailure;
    return {
      status: !store.isAvailable ? ('unavailable' as const) : isDiskLow ? ('warning' as const) : ('ok' as const),
      store: {
        isAvailable: store.isAvailable,
        error: store.isAvailable ? null : 'ERR_STORE_UNAVAILABLE',
        reason: store.isAvailable ? null : store.reason,
        failingSince: isoOrNull(failure?.sinceMs),
        lastFailureAt: isoOrNull(failure?.lastAtMs),
        failedWrites: failure?.failedCount ?? 0,
      },
      disk: {
        minFreeBytes: disk.minFreeBytes,
        directories: disk.directories.map((directory) => ({ ...directory })),
      },
    };
  });
}
