// GET /api/v1/fleet: counts by status, pushes per minute over the last hour, devices with problems.
// The store counts and picks the devices (summarizeFleet): the answer and its cost never follow the fleet.

import type { FleetOverview } from '../../domain/fleet-overview.js';
import type { CountedDevice, FleetProblemRules, FleetProblems } from '../../domain/fleet-summary.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses } from './schemas/common-schemas.js';
import { FleetSummarySchema, type PROBLEM_KIND_VALUES } from './schemas/fleet-schemas.js';

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
function toProblemViews(problems: FleetProblems, rules: FleetProblemRules): { problems: ProblemView[]; problemTotals: Record<ProblemKind, number> } {
  return {
    problems: [
      ...problems.offline.devices.map((device) => ({ deviceId: device.deviceId, kind: 'offline' as const, detail: `last seen ${new Date(device.lastSeenAtMs).toISOString()}` })),
      ...countedProblems('crc-failures', problems.crcFailures.devices, (n) => `${n} OKMs with a missing or wrong CRC`),
      ...countedProblems('queue-backlog', problems.queueBacklog.devices, (n) => `${n} messages queued`),
      ...countedProblems('messages-expired', problems.messagesExpired.devices, (n) => `${n} messages expired in the last ${Math.round(rules.expiredWithinMs / 3_600_000)} h`),
    ],
    problemTotals: {
      offline: problems.offline.total,
      'crc-failures': problems.crcFailures.total,
      'queue-backlog': problems.queueBacklog.total,
      'messages-expired': problems.messagesExpired.total,
    },
  };
}

export function registerFleetRoutes(api: AdminApi, deps: { fleetOverview: FleetOverview }): void {
  const summary = 'Fleet counts, pushes per minute, the worst devices of each problem (at most 10) and how many have each';
  api.get('/fleet', { schema: { summary, response: { 200: FleetSummarySchema, ...errorResponses() } } }, async () => {
    const overview = await deps.fleetOverview.readOverview();
    const pushesPerMinute = overview.pushesPerMinute.map((minute) => ({ t: new Date(minute.minuteStartMs).toISOString(), n: minute.count }));
    return { counts: overview.counts, pushesPerMinute, ...toProblemViews(overview.problems, overview.rules) };
  });
}
