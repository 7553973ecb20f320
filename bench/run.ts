// `npm run bench [-- --only push,pull --duration-s 10 --connections 64 --devices 500 --fleet-steps 10000,25000]`
// (`--fleet-interval-s 60 --fleet-ramp-up-s <interval> --fleet-measure-s 60` for `fleet` and `fleet-postgres`;
// `--only soak [--soak-minutes 15] [--soak-max-wal-mb 256]`, not in the default set):
// runs the scenarios, prints the environment and the table, and writes bench/results/<date>-bench.json.

import { parseArgs } from 'node:util';
import type { BenchSettings } from './bench-settings.js';
import { benchCeiling } from './ceiling.bench.js';
import { benchFleet, type FleetBackend, type FleetSettings } from './fleet.bench.js';
import { benchPostgres } from './postgres.bench.js';
import { benchFiles } from './files.bench.js';
import { benchPull } from './pull.bench.js';
import { benchPushRate } from './push-rate.bench.js';
import { benchPush } from './push.bench.js';
import { benchRegisteredFleetMemory } from './registered-fleet-memory.bench.js';
import { benchSoak } from './soak.bench.js';
import { environmentHeader, formatTable, writeResults, type BenchRow } from './support/bench-report.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'ceiling,push,pull,rate,postgres,memory,fleet,files' },
    'duration-s': { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    devices: { type: 'string', default: '500' },
    'fleet-steps': { type: 'string', default: '10000,25000,50000,75000,100000' },
    'fleet-measure-s': { type: 'string', default: '60' },
    'fleet-interval-s': { type: 'string', default: '60' },
    'fleet-ramp-up-s': { type: 'string' },
    'soak-minutes': { type: 'string', default: '15' },
    'soak-max-wal-mb': { type: 'string' },
  },
});
const settings: BenchSettings = {
  connections: Number(values.connections),
  durationMs: Number(values['duration-s']) * 1000,
  warmUpMs: 2000,
  devices: Number(values.devices),
};
const only = new Set(values.only.split(','));
const soakMinutes = Number(values['soak-minutes']);
if (!(soakMinutes > 0)) throw new Error(`--soak-minutes: expected a positive number, received ${JSON.stringify(values['soak-minutes'])}`);
const log = (line: string): void => console.error(line);
const fleetIntervalS = Number(values['fleet-interval-s']);
const fleetTimes = {
  intervalS: fleetIntervalS,
  // One interval by default: every CWM has started (start times are spread over it) and pushed once.
  rampUpS: values['fleet-ramp-up-s'] === undefined ? fleetIntervalS : Number(values['fleet-ramp-up-s']),
  measureS: Number(values['fleet-measure-s']),
};
for (const [name, value] of Object.entries(fleetTimes)) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`fleet ${name}: expected a whole number of seconds, at least 1, received ${value}`);
}
const fleetSettings = (backend: FleetBackend): FleetSettings => ({ steps: values['fleet-steps'].split(',').map(Number), ...fleetTimes, backend });

const rows: BenchRow[] = [];
/** Scenario output beyond the rows (the soak's samples), written to the results file beside them. */
const details: Record<string, unknown> = {};
const run = async (name: string, scenario: () => Promise<BenchRow[]>): Promise<void> => {
  if (!only.has(name)) return;
  log(`running ${name} ...`);
  for (const row of await scenario()) {
    rows.push(row);
    log(`  ${row.scenario}: ${row.requestsPerS.toFixed(0)} req/s, p99 ${row.p99Ms.toFixed(2)} ms`);
  }
};

await run('ceiling', () => benchCeiling(settings));
await run('push', () => benchPush(settings));
await run('pull', () => benchPull(settings));
await run('rate', () => benchPushRate(settings));
await run('postgres', () => benchPostgres(settings));
await run('memory', () => benchRegisteredFleetMemory(settings));
await run('files', () => benchFiles(settings, log));
await run('fleet', () => benchFleet(fleetSettings('sqlite'), log, (steps) => (details['fleet'] = steps)));
await run('soak', () =>
  benchSoak({ minutes: soakMinutes, maxWalMb: values['soak-max-wal-mb'] === undefined ? null : Number(values['soak-max-wal-mb']), connections: settings.connections, warmUpMs: settings.warmUpMs }, log, (report) => {
    details['soak'] = report;
  }),
);
await run('fleet-postgres', () => benchFleet(fleetSettings('postgres'), log, (steps) => (details['fleet-postgres'] = steps)));

const ceiling = rows.find((row) => row.scenario.startsWith('ceiling'))?.requestsPerS ?? null;
const withRatios = rows.map((row) =>
  row.ratioToCeiling === null && ceiling !== null && /\/push|\/pull/.test(row.scenario) && !row.scenario.includes('fixed')
    ? { ...row, ratioToCeiling: row.requestsPerS / ceiling }
    : row,
);
const isFleetRun = only.has('fleet') || only.has('fleet-postgres');
const fleetHeader = isFleetRun
  ? `; fleet: ${fleetTimes.intervalS} s heartbeats, ${fleetTimes.rampUpS} s ramp-up, ${fleetTimes.measureS} s measured, opentps sim in its own process`
  : '';
const header = `${environmentHeader()}; ${settings.connections} closed-loop connections, ${settings.durationMs / 1000} s per closed-loop scenario, ${settings.devices} CWMs${fleetHeader}`;
console.log(`\n${header}\n`);
console.log(formatTable(withRatios));
console.log(`\nwritten to ${writeResults([...only].join('+'), { header, settings, ...(isFleetRun ? { fleetSettings: fleetTimes } : {}), rows: withRatios, ...details })}`);
