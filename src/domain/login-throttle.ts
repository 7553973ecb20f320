// Failed-login back-off: each failure makes the next attempt under the same key wait longer (1 s, 2 s,
// 4 s ... up to a cap) instead of locking the key for a fixed time, with a bounded number of keys tracked.
//
// Three keys are checked for an attempt at (name, address):
// - the pair (name, address): a guesser at one account from one address. A success forgets it.
// - the address, across names: password spraying (one password tried on many names).
// - the name, across addresses: distributed guessing at one account. This one only ever refuses an
//   address that has itself failed for that name (whose pair has a failure not yet forgiven), so failures
//   from elsewhere never keep an operator out of their account from a clean address: counting them against
//   every address is exactly what let anyone lock an operator out. The price: an attacker with A addresses
//   gets about one guess per address per hour at a name (the pair forgives one failure an hour), plus one
//   per NAME_BACKOFF.maxDelayMs through the name key, against 12 an hour from a single address. The name
//   key is milder (more free failures, a 1-minute cap) because an operator who mistyped once from their
//   own address does wait on it while their name is under attack.
// The address key still refuses everyone behind one address: behind a proxy missing from --trusted-proxies
// that is every client (device-http/untrusted-proxy-warning.ts says so in the log).
//
// In memory: a restart that forgets the failures costs an attacker a restart, while counting in the store
// would make every failed guess a disk write. Each node of a cluster counts alone.

import type { Clock } from './clock.js';

export interface BackoffPolicy {
  /** Failures allowed (within forgiveness) before attempts have to wait. */
  readonly freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each further failure. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** One failure is forgiven per this much time since the last failure (at least maxDelayMs). */
  readonly forgiveOneEveryMs: number;
}

export const PAIR_BACKOFF: BackoffPolicy = { freeFailures: 3, firstDelayMs: 1000, maxDelayMs: 5 * 60_000, forgiveOneEveryMs: 60 * 60_000 };
/** More free failures than the pair: colleagues behind one NAT share it. */
export const ADDRESS_BACKOFF: BackoffPolicy = { freeFailures: 10, firstDelayMs: 1000, maxDelayMs: 5 * 60_000, forgiveOneEveryMs: 15 * 60_000 };
export const NAME_BACKOFF: BackoffPolicy = { freeFailures: 20, firstDelayMs: 1000, maxDelayMs: 60_000, forgiveOneEveryMs: 15 * 60_000 };

/**
 * Keys tracked at most (three per failed attempt at most); past it the least recently failed are forgotten.
 * About 200 bytes each. Flushing an entry out this way takes failures under 20,000 other keys, which one
 * address cannot produce: its own address key refuses it, untracked, after ADDRESS_BACKOFF.freeFailures.
 */
export const MAX_TRACKED_LOGIN_KEYS = 20_000;

/** Retry-After while another attempt past the free allowance is being checked under the same key. */
const IN_FLIGHT_WAIT_MS = 1000;
/** Longer than any operator name (64): longer names are cut, so a key costs a bounded amount of memory. */
const MAX_KEY_PART_CHARS = 100;

export interface LoginAttempt {
  /** The password was right: forgets the failures of this (name, address). */
  succeeded(): void;
  /** Counts a failure under the pair, the address and the name. */
  failed(): void;
  /** No verdict (the store did not answer): counts nothing. */
  abandoned(): void;
}

export type LoginAdmission = { readonly isAllowed: true; readonly attempt: LoginAttempt } | { readonly isAllowed: false; readonly retryAfterS: number };

export interface LoginThrottle {
  /** Whether an attempt at `name` from `address` may be checked now; every admitted attempt must be finished. */
  admit(name: string, address: string): LoginAdmission;
  trackedKeyCount(): number;
}

interface KeyState {
  /** As of lastFailureAtMs; forgiveness is applied when read. */
  failures: number;
  lastFailureAtMs: number;
  /** Admitted attempts whose password is being checked. */
  inFlight: number;
}

function delayMs(failures: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failures - policy.freeFailures));
}

function failuresNow(state: KeyState, policy: BackoffPolicy, nowMs: number): number {
  return Math.max(0, state.failures - Math.floor((nowMs - state.lastFailureAtMs) / policy.forgiveOneEveryMs));
}

/** How long an attempt under this key must wait (0: it may go ahead). */
function waitMs(state: KeyState, policy: BackoffPolicy, nowMs: number): number {
  const failures = failuresNow(state, policy, nowMs);
  if (failures + state.inFlight < policy.freeFailures) return 0;
  const backoffMs = failures >= policy.freeFailures ? state.lastFailureAtMs + delayMs(failures, policy) - nowMs : 0;
  // The check comes before the password's (scrypt takes tens of milliseconds): without this, a burst of
  // parallel guesses would all pass before the first of them had failed.
  return Math.max(backoffMs, state.inFlight > 0 ? IN_FLIGHT_WAIT_MS : 0);
}

/**
 * @example
 * const throttle = createLoginThrottle({ clock });
 * const admission = throttle.admit('admin', '203.0.113.7');
 * if (!admission.isAllowed) reply 429 with Retry-After: admission.retryAfterS
 * else (await isPasswordRight()) ? admission.attempt.succeeded() : admission.attempt.failed();
 */
export function createLoginThrottle(deps: { clock: Clock }): LoginThrottle {
  // Map order is the eviction order: an entry is moved to the end whenever it fails or refuses.
  const states = new Map<string, KeyState>();

  function touch(key: string, state: KeyState): void {
    states.delete(key);
    states.set(key, state);
    while (states.size > MAX_TRACKED_LOGIN_KEYS) {
      const oldest = states.keys().next();
      if (oldest.done === true) break;
      states.delete(oldest.value);
    }
  }

  /** The state of a key, dropped once everything in it is forgiven and nothing is in flight. */
  function current(key: string, policy: BackoffPolicy, nowMs: number): KeyState | undefined {
    const state = states.get(key);
    if (state !== undefined && state.inFlight === 0 && failuresNow(state, policy, nowMs) === 0) {
      states.delete(key);
      return undefined;
    }
    return state;
  }

  function release(key: string, policy: BackoffPolicy, nowMs: number): void {
    const state = states.get(key);
    if (state === undefined) return;
    state.inFlight = Math.max(0, state.inFlight - 1);
    current(key, policy, nowMs);
  }

  return {
    admit(name, address) {
      const nowMs = deps.clock.nowMs();
      const namePart = name.slice(0, MAX_KEY_PART_CHARS).toLowerCase();
      const addressPart = address.slice(0, MAX_KEY_PART_CHARS);
      const pairKey = `pair ${namePart} ${addressPart}`;
      const nameKey = `name ${namePart}`;
      const pair = current(pairKey, PAIR_BACKOFF, nowMs);
      const hasFailedForName = pair !== undefined && failuresNow(pair, PAIR_BACKOFF, nowMs) > 0;
      const checked: Array<[string, BackoffPolicy]> = [
        [pairKey, PAIR_BACKOFF],
        [`address ${addressPart}`, ADDRESS_BACKOFF],
        ...(hasFailedForName ? [[nameKey, NAME_BACKOFF] as [string, BackoffPolicy]] : []),
      ];
      let longestWaitMs = 0;
      for (const [key, policy] of checked) {
        const state = current(key, policy, nowMs);
        const wait = state === undefined ? 0 : waitMs(state, policy, nowMs);
        if (state !== undefined && wait > 0) touch(key, state);
        longestWaitMs = Math.max(longestWaitMs, wait);
      }
      if (longestWaitMs > 0) return { isAllowed: false, retryAfterS: Math.max(1, Math.ceil(longestWaitMs / 1000)) };

      for (const [key] of checked) {
        const state = states.get(key) ?? { failures: 0, lastFailureAtMs: nowMs, inFlight: 0 };
        state.inFlight++;
        touch(key, state);
      }
      let isFinished = false;
      const finish = (outcome: 'succeeded' | 'failed' | 'abandoned'): void => {
        if (isFinished) return;
        isFinished = true;
        const finishedAtMs = deps.clock.nowMs();
        for (const [key, policy] of checked) release(key, policy, finishedAtMs);
        if (outcome === 'succeeded') states.delete(pairKey);
        if (outcome !== 'failed') return;
        // A failure from a clean address still counts under the name, though the name key did not check it.
        for (const [key, policy] of [[pairKey, PAIR_BACKOFF], [`address ${addressPart}`, ADDRESS_BACKOFF], [nameKey, NAME_BACKOFF]] as const) {
          const state = states.get(key) ?? { failures: 0, lastFailureAtMs: finishedAtMs, inFlight: 0 };
          state.failures = failuresNow(state, policy, finishedAtMs) + 1;
          state.lastFailureAtMs = finishedAtMs;
          touch(key, state);
        }
      };
      return {
        isAllowed: true,
        attempt: { succeeded: () => finish('succeeded'), failed: () => finish('failed'), abandoned: () => finish('abandoned') },
      };
    },
    trackedKeyCount: () => states.size,
  };
}
