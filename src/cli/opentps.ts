// The `opentps` command: dispatches to one command, answers `--help` for every command and subcommand, and
// turns errors into one line and an exit code (2 for usage and configuration errors, 1 for refused operations).

import { OpenTpsError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { COMMANDS, type CliCommand } from './command-table.js';
import { formatCommandHelp, formatUsage } from './command-help.js';
import { readPackageVersion } from './package-version.js';

export { COMMANDS };

/** The usage of every command, as `opentps help` prints it. */
export const USAGE = formatUsage(COMMANDS);

/** Whether the arguments ask for help (`--help` or `-h` anywhere before a `--` terminator). */
function isAskingForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function lookUp(name: string): CliCommand | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** `opentps <command> [<subcommand>] --help`, naming the subcommand when `word` is one. */
function helpCommandOf(name: string, command: CliCommand, word: string | undefined): string {
  return `opentps ${name}${word !== undefined && (command.subcommands ?? []).includes(word) ? ` ${word}` : ''} --help`;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (name === '--version' || name === '-v') {
    io.out(readPackageVersion());
    return 0;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const [topic, ...rest] = args;
    const command = topic === undefined ? undefined : lookUp(topic);
    if (topic !== undefined && command === undefined) {
      io.err(`opentps: unknown command ${JSON.stringify(topic)}\n${USAGE}`);
      return 2;
    }
    io.out(topic === undefined || command === undefined ? USAGE : formatCommandHelp(topic, command, rest[0]));
    return 0;
  }
  const command = lookUp(name);
  if (command === undefined) {
    io.err(`opentps: unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  if (isAskingForHelp(args)) {
    io.out(formatCommandHelp(name, command, args[0]));
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof OpenTpsError) {
      const lines = error.message.split('\n');
      // A usage error says where the usage is, on its own line: still one line per error.
      if (error.code === 'ERR_CLI_USAGE') lines[lines.length - 1] += ` (see ${helpCommandOf(name, command, args[0])})`;
      for (const line of lines) io.err(`opentps: ${error.code}: ${line}`);
      return error.code === 'ERR_CLI_USAGE' || error.code === 'ERR_CONFIG_INVALID' ? 2 : 1;
    }
    io.err(`opentps: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
