// `opentps device add <cwmId> [--key K] [--name LABEL]` and `opentps device list`.

import { loadConfig } from '../config/load-config.js';
import { OpenTpsError } from '../errors.js';
import { openServices } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs, type OptionSpec } from './command-args.js';
import { formatTable, formatTime } from './text-table.js';

export async function runDeviceCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addDevice(rest, io);
  if (sub === 'list') return listDevices(rest, io);
  throw new OpenTpsError('ERR_CLI_USAGE', `device takes "add" or "list", got ${JSON.stringify(sub ?? '')}`);
}

async function addDevice(args: readonly string[], io: CliIo): Promise<number> {
  const options: OptionSpec = { key: { type: 'string' }, name: { type: 'string' } };
  const { positionals, values } = parseCommandArgs(args, options, { min: 1, max: 1 });
  const config = loadConfig(configFlags(values, options), io.env);
  const services = await openServices(config);
  try {
    const key = typeof values['key'] === 'string' ? values['key'] : undefined;
    const name = typeof values['name'] === 'string' ? values['name'] : undefined;
    const added = await services.registry.addDevice({ id: positionals[0] ?? '', key, name });
    await services.audit.record('cli', 'device.add', added.device.id, { name: added.device.name });
    io.err(`added device ${added.device.id}; its provisioning key is:`);
    io.out(added.key);
    return 0;
  } finally {
    await services.store.close();
  }
}

async function listDevices(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, { min: 0, max: 0 });
  const config = loadConfig(configFlags(values), io.env);
  const services = await openServices(config);
  try {
    const devices = await services.registry.listDevices();
    if (values['json'] === true) {
      io.out(JSON.stringify(devices.map(({ key: _key, ...device }) => device)));
      return 0;
    }
    io.out(
      formatTable(
        ['ID', 'NAME', 'LAST SEEN', 'QUEUED', 'OKMS', 'CRC FAILURES', 'STATUS'],
        devices.map((d) => [
          d.id, d.name ?? '-', formatTime(d.lastSeenAtMs), String(d.queuedCount), String(d.okmCount), String(d.crcFailureCount),
          d.isDisabled ? 'disabled' : d.key === null ? 'discovered (no key)' : 'registered',
        ]),
      ),
    );
    return 0;
  } finally {
    await services.store.close();
  }
}
