// GET /api/v1/fleet: counts by status, pushes per minute over the last hour, devices with problems.
// The store counts and picks the devices (summarizeFleet): the answer and its cost never follow the fleet.

import type { Clock } from '../../domain/clock.js';
import type { CountedDevice, FleetProblems } from '../../domain/fleet-summary.js';
import type { Store } from '../../domain/store.js';
import type { RollupFolder } from '../../domain/rollup-folder.js';
import { readFleetOkmsPerMinute } from '../../domain/series-reader.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses } from './schemas/common-schemas.js';
import { FleetSummarySchema, type PROBLEM_KIND_VALUES } from './schemas/fleet-schemas.js';

/** Devices listed per kind of problem; the console shows how many more there are. */
export const PROBLEMS_LISTED_PER_KIND = 10;

type ProblemKind = (typeof PROBLEM_KIND_VALUES)[number];

interface ProblemView {
  readonly deviceId: string;
  readonly kind: ProblemKind;
  readonly detail: string;
}

function countedProblems(kind: ProblemKind, devices: readonly CountedDevice[], describe: (count: number) => string): ProblemView[] {
  return devices.map((device) => ({ deviceId: device.deviceId, kind, detail: describe(device.count) }));
}

/** The problems as docs/api.md lists them, and how many devices have each kind. */
function toProblemViews(problems: FleetProblems): { problems: ProblemView[]; problemTotals: Record<ProblemKind, number> } {
  return {
    problems: [
      ...problems.offline.devices.map((device) => ({ deviceId: device.deviceId, kind: 'offline' as const, detail: `last seen ${new Date(device.lastSeenAtMs).toISOString()}` })),
      ...countedProblems('crc-failures', problems.crcFailures.devices, (n) => `${n} OKMs with a missing or wrong CRC`),
      ...countedProblems('queue-backlog', problems.queueBacklog.devices, (n) => `${n} messages queued`),
      ...countedProblems('messages-expired', problems.messagesExpired.devices, (n) => `${n} messages expired in the last 24 h`),
    ],
    problemTotals: {
      offline: problems.offline.total,
      'crc-failures': problems.crcFailures.total,
      'queue-backlog': problems.queueBacklog.total,
      'messages-expired': problems.messagesExpired.total,
    },
  };
}

export function registerFleetRoutes(api: AdminApi, deps: { store: Store; clock: Clock; rollups: Pick<RollupFolder, 'writtenThroughMs'> }): void {
  const summary = 'Fleet counts, pushes per minute, the worst devices of each problem (at most 10) and how many have each';
  api.get('/fleet', { schema: { summary, response: { 200: FleetSummarySchema, ...errorResponses() } } }, async () => {
    const nowMs = deps.clock.nowMs();
    const hourStart = Math.floor(nowMs / 60_000) * 60_000 - 59 * 60_000;
    const [summary, perMinuteEntries] = await Promise.all([
      deps.store.summarizeFleet(nowMs, PROBLEMS_LISTED_PER_KIND),
      readFleetOkmsPerMinute(deps.store, hourStart, nowMs + 1, deps.rollups.writtenThroughMs),
    ]);
    const perMinute = new Map(perMinuteEntries);
    const pushesPerMinute = Array.from({ length: 60 }, (_, i) => {
      const t = hourStart + i * 60_000;
      return { t: new Date(t).toISOString(), n: perMinute.get(t) ?? 0 };
    });
    return { counts: summary.counts, pushesPerMinute, ...toProblemViews(summary.problems) };
  });
}
