// A fleet of virtual CWMs against one server: builds them from the plan, spreads their start times
// over one interval, runs them, and sums up what they saw.

import type { PlannedCwm } from './fleet-plan.js';
import { createSeededRandom } from './seeded-random.js';
import { SimStats, type SimSummary } from './sim-stats.js';
import type { SimTransport } from './sim-transport.js';
import { VirtualCwm } from './virtual-cwm.js';

export interface VirtualFleetOptions {
  readonly plans: readonly PlannedCwm[];
  readonly transport: SimTransport;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly isTrackingAcks: boolean;
  readonly log: (line: string) => void;
}

export class VirtualFleet {
  readonly cwms: readonly VirtualCwm[];
  readonly stats: SimStats;
  private readonly options: VirtualFleetOptions;
  private startedAtMs = 0;
  private stoppedAtMs = 0;

  constructor(options: VirtualFleetOptions) {
    this.options = options;
    this.stats = new SimStats(options.isTrackingAcks);
    this.cwms = options.plans.map(
      (plan) =>
        new VirtualCwm({
          plan,
          transport: options.transport,
          random: createSeededRandom(plan.seed),
          stats: this.stats,
          intervalMs: options.intervalMs,
          maxBackoffMs: options.maxBackoffMs,
          log: options.log,
        }),
    );
  }

  start(): void {
    this.startedAtMs = Date.now();
    const spread = createSeededRandom(this.options.plans[0]?.seed ?? 1);
    for (const cwm of this.cwms) cwm.start(Math.floor(spread.next() * this.options.intervalMs));
  }

  /** Stops heartbeats; with `flushWithinMs`, first lets every CWM send what it still holds. */
  async stop(flushWithinMs = 0): Promise<void> {
    if (flushWithinMs > 0) {
      const deadline = Date.now() + flushWithinMs;
      for (const cwm of this.cwms) await cwm.stop();
      await Promise.all(this.cwms.map((cwm) => this.flushOne(cwm, deadline)));
    } else {
      await Promise.all(this.cwms.map((cwm) => cwm.stop()));
    }
    this.stoppedAtMs = Date.now();
  }

  private async flushOne(cwm: VirtualCwm, deadline: number): Promise<void> {
    await cwm.resume();
    await cwm.flush(deadline);
    await cwm.stop();
  }

  get queuedCount(): number {
    return this.cwms.reduce((sum, cwm) => sum + cwm.queuedCount, 0);
  }

  summary(): SimSummary {
    const end = this.stoppedAtMs || Date.now();
    const durationS = Math.max(0.001, (end - this.startedAtMs) / 1000);
    const stats = this.stats;
    return {
      devices: this.cwms.length,
      devicesUp: this.cwms.filter((cwm) => cwm.isUp).length,
      okes: this.cwms.reduce((sum, cwm) => sum + cwm.okes.length, 0),
      durationS: Math.round(durationS * 10) / 10,
      pushesAcked: stats.pushesAcked,
      pushesPerS: Math.round((stats.pushesAcked / durationS) * 10) / 10,
      pullRequests: stats.pullRequests,
      latencyP50Ms: Math.round(stats.percentileMs(0.5) * 100) / 100,
      latencyP99Ms: Math.round(stats.percentileMs(0.99) * 100) / 100,
      errors: stats.errors,
      busy: stats.busy,
      rejected: stats.rejected,
      commandsReceived: stats.commandsReceived,
      commandsAnswered: stats.commandsAnswered,
      unknownCommands: stats.unknownCommands,
      crcFailuresSeen: stats.crcFailuresSeen,
      filesFetched: stats.filesFetched,
      fileBytes: stats.fileBytes,
      fileFailures: stats.fileFailures,
      queuedAtEnd: this.queuedCount,
    };
  }
}
