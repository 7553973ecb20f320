// `opentps sim --url <https://host:port> [--devices N] [--okes-per-cwm K] [--interval S] [--duration S]
//   [--insecure] [--register --data D | --keys FILE] [--seed S] [--json]`: a virtual CWM fleet.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../config/load-config.js';
import { OpenTpsError, isOpenTpsError } from '../errors.js';
import { openServices } from '../main.js';
import { planFleet, type PlannedCwm } from '../simulator/fleet-plan.js';
import { createSimTransport } from '../simulator/sim-transport.js';
import { VirtualFleet } from '../simulator/virtual-fleet.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs } from './command-args.js';

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
      insecure: { type: 'boolean' },
      ca: { type: 'string' },
      register: { type: 'boolean' },
      keys: { type: 'string' },
      seed: { type: 'string' },
      'max-backoff': { type: 'string' },
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
  const fleet = new VirtualFleet({ plans, transport, intervalMs: intervalS * 1000, maxBackoffMs: maxBackoffS * 1000, isTrackingAcks: false, log: io.err });
  fleet.start();
  const isLive = values['json'] !== true;
  const status = setInterval(() => {
    fleet.stats.trimLatencies(100_000);
    const s = fleet.summary();
    if (isLive) {
      io.err(
        `up ${s.devicesUp}/${s.devices} CWMs (${s.okes} OKEs)  pushes/s ${fleet.stats.takeWindowRate(Date.now()).toFixed(1)}  acked ${s.pushesAcked}  ` +
          `p50 ${s.latencyP50Ms} ms  p99 ${s.latencyP99Ms} ms  errors ${s.errors}  busy ${s.busy}  refused ${s.rejected}  ` +
          `commands ${s.commandsAnswered}/${s.commandsReceived}  queued ${s.queuedAtEnd}`,
      );
    }
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
  clearInterval(status);
  await fleet.stop(10_000);
  await transport.close();
  const summary = fleet.summary();
  if (values['json'] === true) io.out(JSON.stringify(summary));
  else io.out(Object.entries(summary).map(([name, value]) => `${name}: ${value}`).join('\n'));
  return summary.errors === 0 && summary.rejected === 0 ? 0 : 1;
}
