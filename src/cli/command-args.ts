// Command-line parsing shared by every `opentps` command: the command's own options plus every
// configuration flag (so `--data` and friends work everywhere). Unknown flags are usage errors.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SETTINGS } from '../config/config-schema.js';
import { OpenTpsError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | undefined>;
}

const CONFIG_OPTIONS: OptionSpec = Object.fromEntries(
  SETTINGS.map((setting) => [setting.flag, { type: 'isBooleanFlag' in setting && setting.isBooleanFlag ? 'boolean' : 'string' }] as const),
);

/** @throws OpenTpsError ERR_CLI_USAGE naming the problem */
export function parseCommandArgs(args: readonly string[], options: OptionSpec, positionalCount: { min: number; max: number }): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { ...CONFIG_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (cause) {
    // node:util's messages can run over several lines; the first names the problem.
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new OpenTpsError('ERR_CLI_USAGE', message.split('\n')[0] ?? message, { cause });
  }
  const { positionals } = parsed;
  if (positionals.length < positionalCount.min) throw new OpenTpsError('ERR_CLI_USAGE', 'missing argument');
  if (positionals.length > positionalCount.max) throw new OpenTpsError('ERR_CLI_USAGE', `unexpected argument ${JSON.stringify(positionals[positionalCount.max])}`);
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    values[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return { positionals, values };
}

/**
 * The configuration flags among parsed values, for loadConfig. A flag the command defines itself
 * (`device add --key`, the provisioning key) belongs to the command, not to the configuration
 * (`--key`, the TLS key file): pass the command's options so such flags are left out.
 */
export function configFlags(values: ParsedCommand['values'], commandOptions: OptionSpec = {}): Record<string, string | boolean | undefined> {
  const flags: Record<string, string | boolean | undefined> = {};
  for (const setting of SETTINGS) {
    if (Object.hasOwn(commandOptions, setting.flag)) continue;
    if (values[setting.flag] !== undefined) flags[setting.flag] = values[setting.flag];
  }
  return flags;
}
