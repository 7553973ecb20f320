// What a virtual fleet counts: pushes acknowledged (and which), latencies (whole run, measured window,
// status window), failures by kind, commands.

import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { MeasuredWindow, type MeasuredWindowSummary, type SimCounts } from './measured-window.js';

export interface SimSummary {
  readonly devices: number;
  /** CWMs acknowledged at least once and not backing off at the time of the summary. */
  readonly devicesUp: number;
  readonly okes: number;
  readonly durationS: number;
  readonly pushesAcked: number;
  readonly pushesPerS: number;
  readonly pullRequests: number;
  /** Latencies of every push and pull answered, ramp-up and final drain included. */
  readonly whole: LatencySummary;
  /** From the end of the ramp-up to the deadline only; null when the run ended within its ramp-up. */
  readonly measured: MeasuredWindowSummary | null;
  readonly errors: number;
  readonly busy: number;
  readonly rejected: number;
  readonly commandsReceived: number;
  readonly commandsAnswered: number;
  readonly unknownCommands: number;
  readonly crcFailuresSeen: number;
  /** OKMs still in the virtual CWMs' queues at the end (not acknowledged by the server). */
  readonly queuedAtEnd: number;
  /** Requests still unanswered when the fleet stopped, aborted then (not counted as errors). */
  readonly inFlightAtEnd: number;
  readonly filesFetched: number;
  readonly fileBytes: number;
  readonly fileFailures: number;
}

/** The live status line's figures: pushes and latencies since the previous line. */
export interface StatusWindow {
  readonly pushesPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export class SimStats implements SimCounts {
  pushesAcked = 0;
  pullRequests = 0;
  /** Network failures and 5xx other than 503. */
  errors = 0;
  /** 503 answers (server busy). */
  busy = 0;
  /** 4xx answers: the server refused the OKM. */
  rejected = 0;
  commandsReceived = 0;
  commandsAnswered = 0;
  unknownCommands = 0;
  crcFailuresSeen = 0;
  /** Files fetched on a `file` order and their MD5 checked (file-fetcher.ts). */
  filesFetched = 0;
  fileBytes = 0;
  fileFailures = 0;
  readonly whole = new LatencyHistogram();
  readonly measured = new MeasuredWindow();
  private readonly statusLatencies = new LatencyHistogram();
  private statusStartMs = 0;
  private statusPushes = 0;
  /** The exact text of every acknowledged OKM, when tracking is on (an answer may reuse a heartbeat's `_id`). */
  readonly ackedKeys: Set<string> | null;

  constructor(isTrackingAcks: boolean) {
    this.ackedKeys = isTrackingAcks ? new Set() : null;
  }

  recordAck(okmText: string, latencyMs: number): void {
    this.pushesAcked++;
    this.statusPushes++;
    this.recordLatency(latencyMs);
    this.ackedKeys?.add(okmText);
  }

  recordPullLatency(latencyMs: number): void {
    this.pullRequests++;
    this.recordLatency(latencyMs);
  }

  /** Pushes per second and latencies since the previous call (for the live status line). */
  takeStatusWindow(nowMs: number): StatusWindow {
    const elapsedS = (nowMs - this.statusStartMs) / 1000;
    const pushesPerS = this.statusStartMs === 0 || elapsedS <= 0 ? 0 : this.statusPushes / elapsedS;
    const window = { pushesPerS, p50Ms: this.statusLatencies.percentileMs(0.5), p99Ms: this.statusLatencies.percentileMs(0.99) };
    this.statusStartMs = nowMs;
    this.statusPushes = 0;
    this.statusLatencies.reset();
    return window;
  }

  private recordLatency(latencyMs: number): void {
    this.whole.record(latencyMs);
    this.measured.record(latencyMs);
    this.statusLatencies.record(latencyMs);
  }
}
