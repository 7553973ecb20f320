// Re-runs a refresh on an interval, never overlapping itself and pausing while the tab is hidden.

export interface PeriodicRefresh {
  /** Runs the refresh now (or, while one is running, right after it) and restarts the interval. */
  readonly runNow: () => void;
  readonly stop: () => void;
}

export function startPeriodicRefresh(refresh: () => Promise<void>, intervalMs: number): PeriodicRefresh {
  let isRunning = false;
  let isRerunWanted = false;
  let isStopped = false;
  let timer: number | undefined;

  const run = (): void => {
    if (isRunning || isStopped || document.hidden) return;
    isRunning = true;
    refresh()
      .catch((error: unknown) => {
        // Each refresh shows its own errors in its panel; this only keeps one failure from stopping the loop.
        console.warn('periodic refresh failed', error);
      })
      .finally(() => {
        isRunning = false;
        // A range picked while a refresh was running must not wait for the next interval.
        if (isRerunWanted) {
          isRerunWanted = false;
          run();
        }
      });
  };
  const schedule = (): void => {
    window.clearInterval(timer);
    timer = window.setInterval(run, intervalMs);
  };
  const onVisibilityChange = (): void => {
    if (!document.hidden) run();
  };
  document.addEventListener('visibilitychange', onVisibilityChange);
  schedule();

  return {
    runNow: () => {
      if (isRunning) isRerunWanted = true;
      else run();
      schedule();
    },
    stop: () => {
      isStopped = true;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    },
  };
}
