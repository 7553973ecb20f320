// Per-device (or per-address, for anonymous downloads) request rate limit on file downloads: a token
// bucket per client, in memory on each node (a cluster of N nodes allows up to N times the rate).

import type { Clock } from './clock.js';

export interface DownloadRateLimiter {
  /** Takes one request's token; the seconds to wait when there is none. */
  take(clientKey: string): { isAllowed: true } | { isAllowed: false; retryAfterS: number };
}

/** Past this many tracked clients, buckets that have refilled completely are forgotten. */
const SWEEP_AT_CLIENTS = 10_000;

export function createDownloadRateLimiter(deps: { clock: Clock; requestsPerMinute: number }): DownloadRateLimiter {
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
