// The fleet overview as the store answers it: counts by status and, for each kind of problem, how many
// devices have it and a bounded list of the worst, so its cost and size never follow the fleet's.

/** What makes a device's messages a problem; fleet-overview.ts holds the values, the store binds them. */
export interface FleetProblemRules {
  /** Queued, unexpired messages above which a CWM is listed as having a backlog. */
  readonly queueBacklogAbove: number;
  /** How far back expired messages count as a problem. */
  readonly expiredWithinMs: number;
}

export interface FleetCounts {
  readonly total: number;
  readonly online: number;
  readonly offline: number;
  readonly neverSeen: number;
}

export interface OfflineDevice {
  readonly deviceId: string;
  readonly lastSeenAtMs: number;
}

export interface CountedDevice {
  readonly deviceId: string;
  /** CRC failures, queued messages or messages expired, by the list it is in. */
  readonly count: number;
}

export interface ProblemList<T> {
  /** Every device with the problem. */
  readonly total: number;
  /** At most the number asked for, worst first (ties by id). */
  readonly devices: readonly T[];
}

export interface FleetProblems {
  /** Most recently lost first. */
  readonly offline: ProblemList<OfflineDevice>;
  /** Devices with OKMs of a missing or wrong CRC, most first. */
  readonly crcFailures: ProblemList<CountedDevice>;
  /** CWMs with more than `queueBacklogAbove` unexpired queued messages, most first. */
  readonly queueBacklog: ProblemList<CountedDevice>;
  /** CWMs with messages expired in the last `expiredWithinMs`, most first. */
  readonly messagesExpired: ProblemList<CountedDevice>;
}

export interface FleetSummary {
  readonly counts: FleetCounts;
  readonly problems: FleetProblems;
}
