// The load generator's own cost over the measured window: its CPU (every thread; 100 % = one core), the
// lag of its event loop and its memory. A generator whose loop lags adds that lag to every latency it
// measures, so a latency figure is only as good as this one.

import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface GeneratorLoadSummary {
  readonly cpuPercent: number;
  readonly eventLoopLagP99Ms: number;
  readonly eventLoopLagMaxMs: number;
  readonly rssMb: number;
}

/**
 * The loop is sampled every 10 ms. Node records the whole time between two samples (an idle loop shows
 * 10.1 ms at p50), so the sample period is taken off: what remains is how late the timer ran.
 */
const SAMPLE_MS = 10;

interface Start {
  readonly atMs: number;
  readonly cpu: NodeJS.CpuUsage;
}

export class GeneratorLoad {
  private readonly lag = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  private started: Start | null = null;
  private result: GeneratorLoadSummary | null = null;

  begin(): void {
    if (this.started !== null) return;
    this.lag.enable();
    this.started = { atMs: performance.now(), cpu: process.cpuUsage() };
  }

  /** Ends the window (later calls keep the first end); without begin() the summary stays null. */
  end(): void {
    if (this.started === null || this.result !== null) return;
    this.result = this.measure(this.started);
    this.lag.disable();
  }

  summary(): GeneratorLoadSummary | null {
    return this.result ?? (this.started === null ? null : this.measure(this.started));
  }

  private measure(started: Start): GeneratorLoadSummary {
    const cpu = process.cpuUsage(started.cpu);
    const seconds = Math.max(0.001, (performance.now() - started.atMs) / 1000);
    const round = (value: number): number => Math.round(value * 10) / 10;
    // The histogram is empty until its first sample.
    const lateMs = (ns: number): number => (this.lag.count === 0 ? 0 : round(Math.max(0, ns / 1e6 - SAMPLE_MS)));
    return {
      cpuPercent: round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
      eventLoopLagP99Ms: lateMs(this.lag.percentile(99)),
      eventLoopLagMaxMs: lateMs(this.lag.max),
      rssMb: round(process.memoryUsage.rss() / 2 ** 20),
    };
  }
}
