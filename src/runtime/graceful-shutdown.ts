// The order a server stops in (SIGTERM, tests): no job starts and the running ones finish, new requests get
// 503, in-flight ones may finish within --shutdown-timeout-ms (then their connections are cut), and last the
// store commits and closes, so nothing a device was told was stored is lost.

import type { RunningJobs } from './periodic-jobs.js';

export interface ClosingServer {
  /** From now on answer 503 to new requests. */
  beginShutdown(): void;
  /** Stops listening and resolves once every connection ended. */
  close(): Promise<void>;
  closeAllConnections(): void;
  inflightCount(): number;
}

export interface ShutdownSteps {
  readonly jobs: Pick<RunningJobs, 'stop'>;
  readonly server: ClosingServer;
  /** Writes what is still in memory, commits and closes the store. */
  readonly closeServices: () => Promise<void>;
  readonly timeoutMs: number;
  /** Resolves after `ms` (a timer that keeps no process alive); injected so tests need not wait. */
  readonly delay: (ms: number) => Promise<void>;
  readonly logger: { warn(fields: object, message: string): void };
}

/** A stop function running the steps once, however often it is called. */
export function createShutdown(steps: ShutdownSteps): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    await steps.jobs.stop();
    steps.server.beginShutdown();
    const closing = steps.server.close();
    const outcome = await Promise.race([closing.then(() => 'closed' as const), steps.delay(steps.timeoutMs).then(() => 'timeout' as const)]);
    if (outcome === 'timeout') {
      steps.logger.warn({ inflight: steps.server.inflightCount() }, 'shutdown timeout: closing remaining connections');
      steps.server.closeAllConnections();
    }
    await steps.closeServices();
  };
  return () => {
    stopping ??= stop();
    return stopping;
  };
}

/** A delay on Node's timers that does not keep the process alive. */
export function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
