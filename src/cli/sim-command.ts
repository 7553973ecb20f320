// `opentps sim --url <https://host:port> [--devices N] [--okes-per-cwm K] [--interval S] [--duration S]
//   [--ramp-up S] [--grace S] [--insecure] [--register --data D | --keys FILE] [--seed S] [--no-gwmac] [--json]`:
// a virtual CWM fleet. Its CWMs sit at sites of about four, each request carrying the site's `gwmac` unless
// --no-gwmac. It stops at --duration whatever the server does: heartbeats stop, requests in flight and
// queued OKMs get --grace seconds (10) to go through, then what is still in flight is aborted and the
// summary printed. Latencies before --ramp-up (one interval) count in `whole` only, not in `measured`.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../config/load-config.js';
import { OpenTpsError, isOpenTpsError } from '../errors.js';
import { openServices } from '../main.js';
import { planFleet, type PlannedCwm } from '../simulator/fleet-plan.js';
import { GeneratorLoad, type GeneratorLoadSummary } from '../simulator/generator-load.js';
import type { SimSummary } from '../simulator/sim-stats.js';
import { createSimTransport } from '../simulator/sim-transport.js';
import { VirtualFleet } from '../simulator/virtual-fleet.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs } from './command-args.js';

/** What `opentps sim` prints at the end (with --json, this object on one line). */
export type SimReport = SimSummary & {
  /** The simulator's own CPU, event-loop lag and memory over the measured window; null without one. */
  readonly generator: GeneratorLoadSummary | null;
};

function wholeNumber(values: Record<string, string | boolean | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max) {
    throw new OpenTpsError('ERR_CLI_USAGE', `--${name}: expected a whole number from ${min} to ${max}, received ${JSON.stringify(raw)}`);
  }
  return value;
}

async function registerInStore(plans: readonly PlannedCwm[], values: Record<string, string | boolean | undefined>, io: CliIo): Promise<void> {
  const services = await openServices(loadConfig(configFlags(values), io.env));
  try {
    let added = 0;
    for (const plan of plans) {
      try {
        await services.registry.addDevice({ id: plan.id, key: plan.key, name: `virtual CWM ${plan.index + 1}` });
        added++;
      } catch (error) {
        const existing = isOpenTpsError(error, 'ERR_DEVICE_EXISTS') ? await services.store.findDevice(plan.id) : null;
        if (existing?.key !== plan.key) throw error;
      }
    }
    io.err(`registered ${added} virtual CWMs in ${services.config.dataDir} (${plans.length - added} already there)`);
  } finally {
    await services.store.close();
  }
}

function applyKeyFile(plans: PlannedCwm[], file: string, io: CliIo): PlannedCwm[] {
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify(Object.fromEntries(plans.map((plan) => [plan.id, plan.key])), null, 2), { mode: 0o600 });
    io.err(`wrote ${plans.length} CWM ids and keys to ${file}`);
    return plans;
  }
  const keys: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof keys !== 'object' || keys === null) throw new OpenTpsError('ERR_CLI_USAGE', `${file} is not a JSON object of CWM id -> key`);
  return plans.map((plan) => {
    const key = (keys as Record<string, unknown>)[plan.id];
    return typeof key === 'string' ? { ...plan, key } : plan;
  });
}

export async function runSimCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      url: { type: 'string' },
      devices: { type: 'string' },
      'okes-per-cwm': { type: 'string' },
      interval: { type: 'string' },
      duration: { type: 'string' },
      'ramp-up': { type: 'string' },
      grace: { type: 'string' },
      insecure: { type: 'boolean' },
      ca: { type: 'string' },
      register: { type: 'boolean' },
      keys: { type: 'string' },
      seed: { type: 'string' },
      'max-backoff': { type: 'string' },
      'no-gwmac': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  const url = values['url'];
  if (typeof url !== 'string' || !/^https?:\/\/[^/]+\/?$/.test(url)) throw new OpenTpsError('ERR_CLI_USAGE', '--url must be like https://host:port');
  const devices = wholeNumber(values, 'devices', 10, 1, 1_000_000);
  const okesPerCwm = wholeNumber(values, 'okes-per-cwm', 2, 1, 64);
  const intervalS = wholeNumber(values, 'interval', 60, 1, 86_400);
  const durationS = wholeNumber(values, 'duration', 0, 0, 31_536_000);
  const rampUpS = wholeNumber(values, 'ramp-up', intervalS, 0, 31_536_000);
  const graceS = wholeNumber(values, 'grace', 10, 0, 600);
  const seed = wholeNumber(values, 'seed', 1, 0, 4_294_967_295);
  const maxBackoffS = wholeNumber(values, 'max-backoff', 120, 1, 3600);
  let plans = planFleet({ devices, okesPerCwm, seed });
  if (values['register'] === true) await registerInStore(plans, values, io);
  if (typeof values['keys'] === 'string') plans = applyKeyFile(plans, values['keys'], io);

  const transport = createSimTransport({
    baseUrl: url,
    isInsecure: values['insecure'] === true,
    ca: typeof values['ca'] === 'string' ? readFileSync(values['ca'], 'utf8') : undefined,
    timeoutMs: 20_000,
  });
  const fleet = new VirtualFleet({
    plans,
    transport,
    intervalMs: intervalS * 1000,
    maxBackoffMs: maxBackoffS * 1000,
    isTrackingAcks: false,
    log: io.err,
    isSendingGatewayMac: values['no-gwmac'] !== true,
  });
  const generator = new GeneratorLoad();
  fleet.start();
  // These two lines go to stderr with --json too: the fleet benchmark reads the server's CPU at each.
  const measuring = setTimeout(() => {
    fleet.beginMeasuredWindow();
    generator.begin();
    io.err(`measured window opens at ${rampUpS} s (end of the ramp-up)`);
  }, rampUpS * 1000);
  const isLive = values['json'] !== true;
  const status = setInterval(() => {
    const window = fleet.stats.takeStatusWindow(Date.now());
    if (!isLive) return;
    const s = fleet.summary();
    io.err(
      `up ${s.devicesUp}/${s.devices} CWMs (${s.okes} OKEs)  pushes/s ${window.pushesPerS.toFixed(1)}  acked ${s.pushesAcked}  ` +
        `p50 ${window.p50Ms.toFixed(2)} ms  p99 ${window.p99Ms.toFixed(2)} ms  errors ${s.errors}  busy ${s.busy}  refused ${s.rejected}  ` +
        `commands ${s.commandsAnswered}/${s.commandsReceived}  queued ${s.queuedAtEnd}`,
    );
  }, 5000);
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      resolve();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (durationS > 0) setTimeout(finish, durationS * 1000).unref();
  });
  clearTimeout(measuring);
  clearInterval(status);
  generator.end();
  io.err(`measured window closed; stopping: heartbeats off, up to ${graceS} s for requests in flight and queued OKMs`);
  await fleet.stop(graceS * 1000);
  await transport.close();
  const summary: SimReport = { ...fleet.summary(), generator: generator.summary() };
  if (values['json'] === true) io.out(JSON.stringify(summary));
  else io.out(Object.entries(summary).map(([name, value]) => `${name}: ${formatSummaryValue(value)}`).join('\n'));
  const isAllDelivered = summary.queuedAtEnd === 0 && summary.inFlightAtEnd === 0;
  return summary.errors === 0 && summary.rejected === 0 && isAllDelivered ? 0 : 1;
}

/** `p50Ms 1.2, p99Ms 3.4` for the nested figures (whole, measured, generator); `-` for none. */
function formatSummaryValue(value: unknown): string {
  if (value === null) return '-';
  if (typeof value !== 'object') return String(value);
  return Object.entries(value).map(([name, figure]) => `${name} ${String(figure)}`).join(', ');
}
