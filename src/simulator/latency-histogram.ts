// Latency percentiles in fixed memory: a log-bucketed histogram, so an hour at 100,000 CWMs costs the
// same 16 KB as a minute at ten (the sorted array it replaces grew by 8 bytes a request).

/** Bucket bounds grow by 1 % each: a reported percentile is at most 1 % above the true value. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Latencies at or below 10 µs share the first bucket (reported as 10 µs); the slowest starts at 10 minutes. */
const SMALLEST_MS = 0.01;
const BUCKETS = Math.ceil(Math.log(600_000 / SMALLEST_MS) / LOG_GROWTH) + 1;

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly count: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private largestMs = 0;

  record(latencyMs: number): void {
    const index = latencyMs <= SMALLEST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(latencyMs / SMALLEST_MS) / LOG_GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total++;
    if (latencyMs > this.largestMs) this.largestMs = latencyMs;
  }

  get count(): number {
    return this.total;
  }

  /**
   * The latency below which `fraction` of the recorded ones fall (the one at rank floor(count x fraction)
   * in sorted order, as a sorted array would give it), rounded up to its bucket's upper bound and kept
   * within the largest seen. 0 when nothing was recorded.
   */
  percentileMs(fraction: number): number {
    if (this.total === 0) return 0;
    const rank = Math.min(this.total - 1, Math.floor(this.total * fraction));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index] ?? 0;
      // The last bucket has no upper bound: everything from 10 minutes up.
      if (seen > rank) return index === BUCKETS - 1 ? this.largestMs : Math.min(this.largestMs, SMALLEST_MS * GROWTH ** index);
    }
    return this.largestMs;
  }

  summary(): LatencySummary {
    const round = (ms: number): number => Math.round(ms * 100) / 100;
    return { p50Ms: round(this.percentileMs(0.5)), p99Ms: round(this.percentileMs(0.99)), maxMs: round(this.largestMs), count: this.total };
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.largestMs = 0;
  }
}
