// What a virtual fleet counts: pushes acknowledged (and which), latencies, failures by kind, commands.

export interface SimSummary {
  readonly devices: number;
  /** CWMs acknowledged at least once and not backing off at the time of the summary. */
  readonly devicesUp: number;
  readonly okes: number;
  readonly durationS: number;
  readonly pushesAcked: number;
  readonly pushesPerS: number;
  readonly pullRequests: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly errors: number;
  readonly busy: number;
  readonly rejected: number;
  readonly commandsReceived: number;
  readonly commandsAnswered: number;
  readonly unknownCommands: number;
  readonly crcFailuresSeen: number;
  readonly queuedAtEnd: number;
  readonly filesFetched: number;
  readonly fileBytes: number;
  readonly fileFailures: number;
}

export class SimStats {
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
  private latencies: number[] = [];
  private windowStart = 0;
  private windowPushes = 0;
  /** The exact text of every acknowledged OKM, when tracking is on (an answer may reuse a heartbeat's `_id`). */
  readonly ackedKeys: Set<string> | null;

  constructor(isTrackingAcks: boolean) {
    this.ackedKeys = isTrackingAcks ? new Set() : null;
  }

  recordAck(okmText: string, latencyMs: number): void {
    this.pushesAcked++;
    this.windowPushes++;
    this.latencies.push(latencyMs);
    this.ackedKeys?.add(okmText);
  }

  recordPullLatency(latencyMs: number): void {
    this.pullRequests++;
    this.latencies.push(latencyMs);
  }

  /** Pushes per second since the previous call (for the live status line). */
  takeWindowRate(nowMs: number): number {
    const elapsedS = (nowMs - this.windowStart) / 1000;
    const rate = this.windowStart === 0 || elapsedS <= 0 ? 0 : this.windowPushes / elapsedS;
    this.windowStart = nowMs;
    this.windowPushes = 0;
    return rate;
  }

  percentileMs(fraction: number): number {
    if (this.latencies.length === 0) return 0;
    const sorted = Float64Array.from(this.latencies).sort();
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
  }

  /** Latencies are kept per status window to bound memory on long runs. */
  trimLatencies(keep: number): void {
    if (this.latencies.length > keep) this.latencies = this.latencies.slice(-keep);
  }
}
