// The periodic jobs of a running server, started together and stopped together: each runs on its own
// interval, never twice at once, and a failing one is reported and counted without stopping the others.

/** Interval timers, injected so tests drive the jobs without waiting (systemIntervals in production). */
export interface IntervalScheduler {
  setInterval(run: () => void, intervalMs: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Node's timers, unref'd: a pending job never keeps a stopping process alive. */
export const systemIntervals: IntervalScheduler = {
  setInterval(run, intervalMs) {
    const handle = setInterval(run, intervalMs);
    handle.unref();
    return handle;
  },
  clearInterval(handle) {
    clearInterval(handle as NodeJS.Timeout);
  },
};

export interface PeriodicJob {
  /** Names the job in failure reports (`expire-messages`). */
  readonly name: string;
  readonly intervalMs: number;
  /** What the log says when a run fails ('expiring messages failed'). */
  readonly failureMessage: string;
  /** Fields the failure report adds, read when a run fails (what is waiting for the next try). */
  readonly describeFailure?: () => object;
  /** Runs once at start as well, instead of first after one interval. */
  readonly isRunAtStart?: boolean;
  run(): Promise<void> | void;
}

export interface JobFailure {
  readonly job: string;
  readonly message: string;
  readonly error: unknown;
  readonly fields: object;
  /** Failures of this job so far, this one included. */
  readonly failureCount: number;
}

export interface StartJobsOptions {
  readonly scheduler: IntervalScheduler;
  /** Called for each failed run; the job keeps its schedule. */
  readonly reportFailure: (failure: JobFailure) => void;
}

export interface RunningJobs {
  /** Failed runs of the named job so far. */
  failureCount(job: string): number;
  /** Clears every interval and waits for the runs in progress; no run starts after it is called. */
  stop(): Promise<void>;
}

/**
 * Starts every job on its interval.
 * @example
 * const jobs = startJobs([{ name: 'expire-messages', intervalMs: 60_000, failureMessage: 'expiring messages failed', run: expire }], { scheduler: systemIntervals, reportFailure });
 * await jobs.stop();
 */
export function startJobs(jobs: readonly PeriodicJob[], options: StartJobsOptions): RunningJobs {
  const failures = new Map<string, number>();
  const running = new Map<string, Promise<void>>();
  let isStopped = false;
  const runOnce = (job: PeriodicJob): void => {
    // A run slower than the interval (a slow disk, a busy store) must not pile runs up.
    if (isStopped || running.has(job.name)) return;
    const run = (async () => {
      try {
        await job.run();
      } catch (error) {
        const failureCount = (failures.get(job.name) ?? 0) + 1;
        failures.set(job.name, failureCount);
        options.reportFailure({ job: job.name, message: job.failureMessage, error, fields: job.describeFailure?.() ?? {}, failureCount });
      } finally {
        running.delete(job.name);
      }
    })();
    running.set(job.name, run);
  };
  const handles = jobs.map((job) => options.scheduler.setInterval(() => runOnce(job), job.intervalMs));
  for (const job of jobs) if (job.isRunAtStart === true) runOnce(job);
  let stopping: Promise<void> | null = null;
  return {
    failureCount: (job) => failures.get(job) ?? 0,
    stop() {
      stopping ??= (async () => {
        isStopped = true;
        for (const handle of handles) options.scheduler.clearInterval(handle);
        await Promise.all(running.values());
      })();
      return stopping;
    },
  };
}
