// `opentps backup --out FILE`: a consistent copy of the SQLite store (opentps.db) of a running node,
// made in this process with SQLite's online backup API while the server keeps serving devices.

import { loadConfig } from '../config/load-config.js';
import { OpenTpsError } from '../errors.js';
import { backupSqliteStore } from '../adapters/storage/sqlite/sqlite-backup.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs, type OptionSpec } from './command-args.js';

const OPTIONS: OptionSpec = { out: { type: 'string' } };

/** How long the copy may wait for the server's lock where SQLite needs it (as long as any CLI command). */
const BUSY_TIMEOUT_MS = 10_000;

export async function runBackupCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, { min: 0, max: 0 });
  const outFile = values['out'];
  if (typeof outFile !== 'string' || outFile === '') throw new OpenTpsError('ERR_CLI_USAGE', 'backup needs --out FILE');
  const config = loadConfig(configFlags(values, OPTIONS), io.env);
  if (config.db !== null) {
    throw new OpenTpsError('ERR_CLI_USAGE', 'backup copies the embedded SQLite store; back up PostgreSQL with pg_dump or a base backup (README, "Backups")');
  }
  const result = await backupSqliteStore({ dataDir: config.dataDir, outFile, busyTimeoutMs: BUSY_TIMEOUT_MS });
  io.err(
    `backed up ${result.sourcePath} to ${result.outFile} (${result.bytes} bytes in ${result.durationMs} ms); ` +
      'traffic.db (recent requests, for diagnostics) is not included; restore with `opentps restore --from FILE` while the server is stopped',
  );
  io.out(`${result.outFile} ${result.bytes}`);
  return 0;
}
