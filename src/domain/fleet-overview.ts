// The console's fleet overview: counts by status, the devices with each kind of problem, and the pushes
// of the last hour by minute. It owns the rules of what a problem is; the store counts and picks the
// devices with them as bound parameters, so the answer and its cost never follow the fleet.

import type { Clock } from './clock.js';
import type { FleetReadStore } from './device-store.js';
import type { FleetProblemRules, FleetSummary } from './fleet-summary.js';
import type { RollupFolder } from './rollup-folder.js';
import type { RollupStore } from './rollup-store.js';
import { readFleetOkmsPerMinute } from './series-reader.js';
import type { TelemetryStore } from './telemetry-store.js';

/** A backlog is more than ten queued, unexpired messages; expired messages count as a problem for a day. */
export const FLEET_PROBLEM_RULES: FleetProblemRules = { queueBacklogAbove: 10, expiredWithinMs: 86_400_000 };

/** Devices listed per kind of problem; the console shows how many more there are. */
export const PROBLEMS_LISTED_PER_KIND = 10;

/** The push rate covers this many minutes, the current one last. */
export const PUSH_RATE_MINUTES = 60;

const MINUTE_MS = 60_000;

/** What the overview reads from the store. */
export type FleetOverviewStore = Pick<FleetReadStore, 'summarizeFleet'> &
  Pick<RollupStore, 'countFleetOkmsPerMinute'> &
  Pick<TelemetryStore, 'countOkmsPerMinute'>;

export interface FleetOverviewDeps {
  readonly store: FleetOverviewStore;
  readonly clock: Clock;
  readonly rollups: Pick<RollupFolder, 'writtenThroughMs'>;
}

export interface MinuteCount {
  readonly minuteStartMs: number;
  readonly count: number;
}

export interface FleetOverviewReport extends FleetSummary {
  /** Stored OKMs per minute over the last PUSH_RATE_MINUTES, oldest first, every minute present (0 when none). */
  readonly pushesPerMinute: readonly MinuteCount[];
  /** The rules the problems were picked by (the console words them). */
  readonly rules: FleetProblemRules;
}

export interface FleetOverview {
  /** The overview at the clock's now. */
  readOverview(): Promise<FleetOverviewReport>;
}

/** @example const overview = createFleetOverview({ store, clock, rollups }); await overview.readOverview(); */
export function createFleetOverview(deps: FleetOverviewDeps): FleetOverview {
  return {
    async readOverview() {
      const nowMs = deps.clock.nowMs();
      const firstMinuteMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - (PUSH_RATE_MINUTES - 1) * MINUTE_MS;
      const [summary, perMinuteEntries] = await Promise.all([
        deps.store.summarizeFleet(nowMs, PROBLEMS_LISTED_PER_KIND, FLEET_PROBLEM_RULES),
        readFleetOkmsPerMinute(deps.store, firstMinuteMs, nowMs + 1, deps.rollups.writtenThroughMs),
      ]);
      const perMinute = new Map(perMinuteEntries);
      const pushesPerMinute = Array.from({ length: PUSH_RATE_MINUTES }, (_, i) => {
        const minuteStartMs = firstMinuteMs + i * MINUTE_MS;
        return { minuteStartMs, count: perMinute.get(minuteStartMs) ?? 0 };
      });
      return { ...summary, pushesPerMinute, rules: FLEET_PROBLEM_RULES };
    },
  };
}
