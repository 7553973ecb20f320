// Checks the free space of the watched directories periodically and logs when one falls below
// --min-free-disk-mb (and when it is back above), so the operator hears before writes start failing.

import type { DiskSpaceReport } from './free-disk-space.js';

export interface LowDiskLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface LowDiskWatchDeps {
  readonly read: () => Promise<DiskSpaceReport>;
  readonly intervalMs: number;
  readonly logger: LowDiskLogger;
}

const MIB = 1024 * 1024;

/** Starts checking at once, then every `intervalMs`; a warning is logged on each change, not on each check. */
export function startLowDiskWatch(deps: LowDiskWatchDeps): { stop(): void } {
  const lowPaths = new Set<string>();
  let isChecking = false;
  const check = async (): Promise<void> => {
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
  const run = (): void => {
    // A file system so slow that statfs takes longer than the interval must not pile checks up.
    if (isChecking) return;
    isChecking = true;
    check()
      .catch((error: unknown) => deps.logger.error({ err: error }, 'checking free disk space failed'))
      .finally(() => {
        isChecking = false;
      });
  };
  run();
  const timer = setInterval(run, deps.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
