// When a notification that failed is tried again (issue 16: "retried with back-off for 24 h, then given up"):
// exponential back-off so a receiver that is down is not hammered, with jitter so the notifications queued
// while it was down do not all come back at the same instant, and an end after which the alert is stale.

/** The back-off of one outbox entry's retries. */
export interface RetrySchedule {
  /** The wait after the first failed attempt; each further failure doubles it. */
  readonly firstDelayMs: number;
  /** No wait is longer than this (before jitter). */
  readonly maxDelayMs: number;
  /** Each wait is scaled by a random factor in [1 - jitterRatio, 1 + jitterRatio). */
  readonly jitterRatio: number;
  /** An entry is given up when its next attempt would fall more than this after it was created. */
  readonly giveUpAfterMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  firstDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  jitterRatio: 0.1,
  giveUpAfterMs: 24 * 3_600_000,
};

/** A source of numbers in [0, 1), like Math.random: injected so tests choose the jitter. */
export type RandomSource = () => number;

/**
 * The wait after failed attempt number `failedAttempt` (1 for the first attempt), before jitter:
 * firstDelay * 2^(n-1), at most maxDelay.
 * @example retryDelayMs(3) // 120_000
 */
export function retryDelayMs(failedAttempt: number, schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number {
  const exponent = Math.max(0, failedAttempt - 1);
  // 2^exponent overflows to Infinity for a huge count; Math.min keeps the cap either way.
  return Math.min(schedule.maxDelayMs, schedule.firstDelayMs * 2 ** exponent);
}

/**
 * When to try an entry again after its attempt number `failedAttempt` failed at `failedAtMs`; null when that
 * would be more than `giveUpAfterMs` after the entry was created (the entry is then given up).
 * @example nextAttemptAtMs({ createdAtMs: 0, failedAttempt: 1, failedAtMs: 1_000 }, () => 0.5) // 31_000
 */
export function nextAttemptAtMs(
  attempt: { readonly createdAtMs: number; readonly failedAttempt: number; readonly failedAtMs: number },
  random: RandomSource,
  schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
): number | null {
  const jitter = 1 + (2 * random() - 1) * schedule.jitterRatio;
  const atMs = attempt.failedAtMs + Math.round(retryDelayMs(attempt.failedAttempt, schedule) * jitter);
  return atMs - attempt.createdAtMs > schedule.giveUpAfterMs ? null : atMs;
}
