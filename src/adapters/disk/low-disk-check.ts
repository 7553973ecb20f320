// Checks the free space of the watched directories and logs when one falls below
// --min-free-disk-mb (and when it is back above), so the operator hears before writes start failing.

import type { DiskSpaceReport } from './free-disk-space.js';

export interface LowDiskLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface LowDiskCheckDeps {
  readonly read: () => Promise<DiskSpaceReport>;
  readonly logger: LowDiskLogger;
}

const MIB = 1024 * 1024;

/**
 * A check to run periodically (a job of periodic-jobs.ts, at start and every few seconds): a warning is
 * logged on each change, not on each check. A failed read rejects, for the caller to report.
 */
export function createLowDiskCheck(deps: LowDiskCheckDeps): () => Promise<void> {
  const lowPaths = new Set<string>();
  return async () => {
    const report = await deps.read();
    for (const directory of report.directories) {
      const key = `${directory.role}:${directory.path}`;
      const fields = { directory: directory.path, role: directory.role, freeBytes: directory.freeBytes, minFreeBytes: report.minFreeBytes };
      const freeMiB = Math.floor((directory.freeBytes ?? 0) / MIB);
      if (directory.isLow && !lowPaths.has(key)) {
        lowPaths.add(key);
        deps.logger.warn(fields, `free disk space low: ${freeMiB} MiB free under ${directory.path} (${directory.role}), below --min-free-disk-mb ${report.minFreeBytes / MIB}; the store refuses writes when it runs out`);
      } else if (!directory.isLow && directory.freeBytes !== null && lowPaths.delete(key)) {
        deps.logger.info(fields, `free disk space back above the threshold: ${freeMiB} MiB free under ${directory.path} (${directory.role})`);
      }
    }
  };
}
