// Per-client request rate limit: a token bucket per client (a device, or an address for anonymous file
// downloads) that holds a minute's worth of requests and refills continuously. In memory on each node:
// a cluster of N nodes allows up to N times the rate. Used for device requests and for file downloads.

import type { Clock } from './clock.js';

export interface RequestRateLimiter {
  /** Takes one request's token; the seconds to wait when there is none. */
  take(clientKey: string): { isAllowed: true } | { isAllowed: false; retryAfterS: number };
}

/** Past this many tracked clients, buckets that have refilled completely are forgotten. */
const SWEEP_AT_CLIENTS = 10_000;

export function createRequestRateLimiter(deps: { clock: Clock; requestsPerMinute: number }): RequestRateLimiter {
  const capacity = deps.requestsPerMinute;
  const refillPerMs = deps.requestsPerMinute / 60_000;
  const buckets = new Map<string, { tokens: number; atMs: number }>();

  const sweep = (nowMs: number): void => {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (nowMs - bucket.atMs) * refillPerMs >= capacity) buckets.delete(key);
    }
  };

  return {
    take(clientKey) {
      const nowMs = deps.clock.nowMs();
      if (buckets.size >= SWEEP_AT_CLIENTS) sweep(nowMs);
      const bucket = buckets.get(clientKey) ?? { tokens: capacity, atMs: nowMs };
      bucket.tokens = Math.min(capacity, bucket.tokens + (nowMs - bucket.atMs) * refillPerMs);
      bucket.atMs = nowMs;
      buckets.set(clientKey, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { isAllowed: true };
      }
      return { isAllowed: false, retryAfterS: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
    },
  };
}
