// The part of a run that counts for a verdict: from the end of the ramp-up (when every CWM has started and
// the server, its caches and the connection pool are warm) to the deadline. Latencies and counts from
// before or after it stay in the whole-run figures only.

import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';

/** What the fleet has counted so far; the window reports the difference between its two ends. */
export interface SimCounts {
  readonly pushesAcked: number;
  readonly pullRequests: number;
  readonly errors: number;
  readonly busy: number;
  readonly rejected: number;
}

export interface MeasuredWindowSummary extends LatencySummary, SimCounts {
  /** Seconds after the fleet started that the window opened and closed (closed: still open, the summary's time). */
  readonly fromS: number;
  readonly toS: number;
  readonly pushesPerS: number;
}

interface WindowEdge {
  readonly atMs: number;
  readonly counts: SimCounts;
}

export class MeasuredWindow {
  private readonly latencies = new LatencyHistogram();
  private opened: WindowEdge | null = null;
  private closed: WindowEdge | null = null;

  get isOpen(): boolean {
    return this.opened !== null && this.closed === null;
  }

  open(atMs: number, counts: SimCounts): void {
    if (this.opened === null) this.opened = { atMs, counts: copyCounts(counts) };
  }

  /** Closes the window; later latencies and counts no longer belong to it. A window never opened stays empty. */
  close(atMs: number, counts: SimCounts): void {
    if (this.isOpen) this.closed = { atMs, counts: copyCounts(counts) };
  }

  record(latencyMs: number): void {
    if (this.isOpen) this.latencies.record(latencyMs);
  }

  /** Null when the window never opened (the run ended within its ramp-up). */
  summary(startedAtMs: number, nowMs: number, countsNow: SimCounts): MeasuredWindowSummary | null {
    if (this.opened === null) return null;
    const end = this.closed ?? { atMs: nowMs, counts: countsNow };
    const before = this.opened.counts;
    const seconds = Math.max(0.001, (end.atMs - this.opened.atMs) / 1000);
    const pushesAcked = end.counts.pushesAcked - before.pushesAcked;
    return {
      fromS: Math.round((this.opened.atMs - startedAtMs) / 100) / 10,
      toS: Math.round((end.atMs - startedAtMs) / 100) / 10,
      ...this.latencies.summary(),
      pushesAcked,
      pushesPerS: Math.round((pushesAcked / seconds) * 10) / 10,
      pullRequests: end.counts.pullRequests - before.pullRequests,
      errors: end.counts.errors - before.errors,
      busy: end.counts.busy - before.busy,
      rejected: end.counts.rejected - before.rejected,
    };
  }
}

function copyCounts(counts: SimCounts): SimCounts {
  return { pushesAcked: counts.pushesAcked, pullRequests: counts.pullRequests, errors: counts.errors, busy: counts.busy, rejected: counts.rejected };
}
