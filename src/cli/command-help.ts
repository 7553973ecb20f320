// What `opentps help` and `opentps <command> [<subcommand>] --help` print, built from the command table and
// the configuration schema (never written twice).

import { SETTINGS } from '../config/config-schema.js';
import type { CliCommand } from './command-table.js';

const CONFIGURATION_POINTER = 'Every command also takes the configuration options (--data DIR, default ./data); opentps serve --help lists them.';

/** The usage of every command: the first line names the shared --data option, then one line per form. */
export function formatUsage(commands: Readonly<Record<string, CliCommand>>): string {
  const lines = Object.values(commands).flatMap((command) => command.usage.map((line) => `  ${line}`));
  return ['usage: opentps <command> [options]   (every command takes --data DIR, default ./data; opentps <command> --help)', ...lines].join('\n');
}

/** The usage lines of one subcommand: those starting with `<name> <sub>`, with their continuation lines. */
function usageOf(name: string, command: CliCommand, subcommand: string): string[] {
  const picked: string[] = [];
  let isPicking = false;
  for (const line of command.usage) {
    if (!line.startsWith(' ')) isPicking = line === `${name} ${subcommand}` || line.startsWith(`${name} ${subcommand} `);
    if (isPicking) picked.push(line);
  }
  return picked;
}

function formatDefault(value: unknown): string {
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  return String(value);
}

/** One line per setting: the flag, its environment variable, its default and what it does. */
export function formatSettings(): string[] {
  return SETTINGS.map((setting) => {
    const flag = 'isBooleanFlag' in setting && setting.isBooleanFlag ? `--${setting.flag}` : `--${setting.flag} VALUE`;
    return `  ${flag.padEnd(38)} ${setting.help} (${setting.env}; default ${formatDefault(setting.defaultValue())})`;
  });
}

/**
 * The help of a command, or of one of its subcommands when `subcommand` names one (anything else, such as
 * `--help` itself or a positional argument, gives the whole command's help).
 */
export function formatCommandHelp(name: string, command: CliCommand, subcommand: string | undefined): string {
  const isSubcommand = subcommand !== undefined && (command.subcommands ?? []).includes(subcommand);
  const forms = isSubcommand ? usageOf(name, command, subcommand) : command.usage;
  const [first = name, ...rest] = forms;
  const lines = [`usage: opentps ${first}`, ...rest.map((line) => (line.startsWith(' ') ? `       ${line}` : `       opentps ${line}`))];
  if (command.isHelpListingSettings === true) {
    lines.push('', 'configuration (flag, else environment variable, else default):', ...formatSettings());
  } else {
    lines.push('', CONFIGURATION_POINTER);
  }
  return lines.join('\n');
}
