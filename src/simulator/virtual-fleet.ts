// A fleet of virtual CWMs against one server: builds them from the plan, spreads their start times
// over one interval, runs them, stops them within a bound, and sums up what they saw.

import { setMaxListeners } from 'node:events';
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
  /** Every /push and /pull carries `gwmac=<the CWM's site gateway MAC>` (default true). */
  readonly isSendingGatewayMac?: boolean;
}

export class VirtualFleet {
  readonly cwms: readonly VirtualCwm[];
  readonly stats: SimStats;
  private readonly options: VirtualFleetOptions;
  /** Fires when the fleet stops for good (file downloads give up). */
  private readonly stopped = new AbortController();
  private startedAtMs = 0;
  private stoppedAtMs = 0;
  private inFlightAtEnd = 0;

  constructor(options: VirtualFleetOptions) {
    this.options = options;
    this.stats = new SimStats(options.isTrackingAcks);
    // Every file download's back-off listens on it: possibly one per CWM, past the default warning at 10.
    setMaxListeners(0, this.stopped.signal);
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
          stopSignal: this.stopped.signal,
          isSendingGatewayMac: options.isSendingGatewayMac ?? true,
        }),
    );
  }

  start(): void {
    this.startedAtMs = Date.now();
    const spread = createSeededRandom(this.options.plans[0]?.seed ?? 1);
    for (const cwm of this.cwms) cwm.start(Math.floor(spread.next() * this.options.intervalMs));
  }

  /** Opens the measured window (the end of the ramp-up): from now on latencies and counts also go there. */
  beginMeasuredWindow(): void {
    this.stats.measured.open(Date.now(), this.stats);
  }

  /**
   * Stops within `graceMs` whatever the server does: heartbeats stop and the measured window closes now;
   * requests in flight and queued OKMs get up to `graceMs` to go through (back-off capped at 1 s); then every
   * CWM halts and the transport is closed, failing what is still in flight. What was not delivered stays
   * queued (queuedAtEnd). The fleet cannot run again after this.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stats.measured.close(Date.now(), this.stats);
    for (const cwm of this.cwms) cwm.beginDrain();
    if (graceMs > 0) await settleWithin(Promise.all(this.cwms.map((cwm) => cwm.drain())), graceMs);
    for (const cwm of this.cwms) cwm.halt();
    if (!this.stopped.signal.aborted) {
      this.inFlightAtEnd = this.cwms.filter((cwm) => cwm.isRequestInFlight).length;
      this.stopped.abort();
      await this.options.transport.close();
    }
    // A request on a closed transport rejects at once; the bound only guards against a pump that never notices.
    await settleWithin(Promise.all(this.cwms.map((cwm) => cwm.settled())), 1000);
    if (this.stoppedAtMs === 0) this.stoppedAtMs = Date.now();
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
      whole: stats.whole.summary(),
      measured: stats.measured.summary(this.startedAtMs, end, stats),
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
      inFlightAtEnd: this.inFlightAtEnd,
    };
  }
}

/** Waits for `work`, or `ms` at most. */
async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
