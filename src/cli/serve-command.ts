// `opentps serve`: validate the configuration before any port opens, listen, stop gracefully on SIGTERM/SIGINT.

import { chooseLogFormat, createProcessLogger } from '../adapters/logging/process-logger.js';
import { loadConfig } from '../config/load-config.js';
import { startServer } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs } from './command-args.js';

export async function runServeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {}, { min: 0, max: 0 });
  const config = loadConfig(configFlags(values), io.env);
  // The logger writes to standard output itself (not through io.out): its format follows what stdout is.
  const logger = await createProcessLogger({ level: config.logLevel, format: chooseLogFormat(config.logFormat, { isTerminal: process.stdout.isTTY === true }) });
  const server = await startServer(config, logger);
  logger.info(
    {
      url: server.url, dataDir: config.dataDir, auth: config.authMode, tls: server.tls?.source ?? 'none (plain HTTP)', fingerprint: server.tls?.sha256Fingerprint,
      clientAuth: server.clientAuthMode(),
    },
    `OpenTPS listening on ${server.url}; try ${server.url}/pull; certificate: ${server.tls?.source ?? 'none (plain HTTP)'}; client certificates: ${server.clientAuthMode()}`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'stopping: finishing in-flight requests');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.stop().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  logger.info('stopped');
  return 0;
}
