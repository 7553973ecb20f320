// Samples event-loop lag for opentps_event_loop_lag_seconds: perf_hooks times a 10 ms timer, and once a
// second the longest delay seen in that second (less the timer's own 10 ms) is observed. A store read or
// a rollup flush that holds the loop for 150 ms shows as one second in the 0.25 bucket.

import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The timer perf_hooks measures with: every delay it records includes these 10 ms (measured on Node 20). */
const RESOLUTION_MS = 10;
const SAMPLE_EVERY_MS = 1000;

export interface EventLoopLagSampler {
  stop(): void;
}

/** Calls `observe` once a second with the worst lag of that second, in seconds, until stopped. */
export function startEventLoopLagSampler(observe: (lagSeconds: number) => void): EventLoopLagSampler {
  const delays = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delays.enable();
  let dueAtMs = performance.now() + SAMPLE_EVERY_MS;
  const timer = setInterval(() => {
    const nowMs = performance.now();
    // This callback's own lateness counts too: when the loop was held until just now, perf_hooks may not
    // have recorded that delay yet, and reset() drops the delay it was about to record.
    const ownLagMs = nowMs - dueAtMs;
    dueAtMs = nowMs + SAMPLE_EVERY_MS;
    const timedLagMs = delays.count > 0 ? delays.max / 1e6 - RESOLUTION_MS : 0;
    observe(Math.max(0, ownLagMs, timedLagMs) / 1000);
    delays.reset();
  }, SAMPLE_EVERY_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      delays.disable();
    },
  };
}
