// `opentps restore --from FILE`: puts a backup made by `opentps backup` back as the store of --data,
// refusing while a server (or another command) has that store open.

import { loadConfig } from '../config/load-config.js';
import { OpenTpsError } from '../errors.js';
import { restoreSqliteStore } from '../adapters/storage/sqlite/sqlite-restore.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs, type OptionSpec } from './command-args.js';

const OPTIONS: OptionSpec = { from: { type: 'string' } };

export async function runRestoreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, { min: 0, max: 0 });
  const fromFile = values['from'];
  if (typeof fromFile !== 'string' || fromFile === '') throw new OpenTpsError('ERR_CLI_USAGE', 'restore needs --from FILE');
  const config = loadConfig(configFlags(values, OPTIONS), io.env);
  if (config.db !== null) {
    throw new OpenTpsError('ERR_CLI_USAGE', 'restore brings back the embedded SQLite store; restore PostgreSQL with pg_restore or from a base backup (README, "Backups")');
  }
  const result = await restoreSqliteStore({ dataDir: config.dataDir, fromFile, nowMs: Date.now() });
  const kept = result.previousPath === null ? 'there was no store before' : `the store it replaced is kept as ${result.previousPath}`;
  io.err(`restored ${fromFile} as ${result.restoredPath} (${result.bytes} bytes); ${kept}; start the server`);
  io.out(result.restoredPath);
  return 0;
}
