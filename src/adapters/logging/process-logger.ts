// The server's logger: JSON lines for machines (the default off a terminal, and with --log-format json),
// pino-pretty lines for a person at a terminal (--log-format pretty, or auto on a TTY).
//
// pino-pretty runs in-process as the logger's stream, not as a pino transport: a transport is a worker thread
// that would start with every server and add a thread to flush at exit, for output whose reader is one person
// at a terminal (a few lines a second, where JSON volume matters it stays JSON). In-process, pretty lines also
// keep their order with what the server writes to stderr (the first operator's password). It is imported only
// when chosen: loading it costs ~50 ms of start-up (measured here), which a JSON server never pays.

import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogFormatSetting } from '../../config/config-schema.js';

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The format --log-format asks for; `auto` is pretty on a terminal and JSON anywhere else (a pipe, a file, journald). */
export function chooseLogFormat(setting: LogFormatSetting, stdout: { readonly isTerminal: boolean }): LogFormat {
  if (setting === 'auto') return stdout.isTerminal ? 'pretty' : 'json';
  return setting;
}

export interface ProcessLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; standard output when absent. */
  readonly destination?: DestinationStream;
  /** Colours in pretty lines; by default, when the terminal supports them. */
  readonly isColored?: boolean;
}

/** Fields every line carries in JSON, which a pretty line leaves out (one process, one service: noise to a reader). */
const BASE_FIELDS = { service: 'opentps' } as const;

export async function createProcessLogger(options: ProcessLoggerOptions): Promise<Logger> {
  const settings = { level: options.level, base: BASE_FIELDS };
  if (options.format === 'json') return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
  const { default: pretty, isColorSupported } = await import('pino-pretty');
  const stream = pretty({
    destination: options.destination ?? 1,
    colorize: options.isColored ?? isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    // Synchronous like pino's own default destination: nothing is lost when the process ends.
    sync: true,
  });
  return pino(settings, stream);
}
