// What the alert evaluation reads from the rest of the store (issue 16): the device problems it already counts
// (queue backlogs, expired messages, stalled transfers), each read at a cost that follows the devices with the
// problem, and the CWMs' rhythms (last request, usual interval) for the offline deadlines.

/** Devices having a problem the store tracks, for the device-problem conditions the sweep evaluates. */
export interface ProblemDevice {
  readonly cwmId: string;
  readonly count: number;
}

export interface AlertSourceStore {
  /** CWMs with at least `atLeast` unexpired queued messages; cost follows the queued messages, not the fleet. */
  listQueueBacklogs(atLeast: number, nowMs: number): Promise<ProblemDevice[]>;
  /** CWMs with at least `atLeast` messages expired after `sinceMs`; from the expired messages only. */
  listExpiredMessages(atLeast: number, sinceMs: number): Promise<ProblemDevice[]>;
  /** CWMs with an incomplete file transfer with no progress since `idleSinceMs` (count: stalled transfers). */
  listStalledTransfers(idleSinceMs: number): Promise<ProblemDevice[]>;
  /** Last request and usual interval of every device seen, for a node's offline deadlines when it starts. */
  listDeviceRhythms(): Promise<DeviceRhythm[]>;
  /** The same for the given devices (at most 1000 ids): confirms deadlines before an alert opens. */
  findDeviceRhythms(deviceIds: readonly string[]): Promise<DeviceRhythm[]>;
}

export interface DeviceRhythm {
  readonly deviceId: string;
  readonly lastSeenAtMs: number;
  readonly typicalIntervalMs: number | null;
  readonly siteId: number | null;
}
