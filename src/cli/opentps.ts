// The `opentps` command: dispatches to one command, turns errors into one line and an exit code
// (2 for usage and configuration errors, 1 for refused operations).

import { OpenTpsError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { runAdminCommand, runTokenCommand } from './admin-command.js';
import { runDeviceCommand } from './device-command.js';
import { runFileCommand } from './file-command.js';
import { runMessagesCommand } from './messages-command.js';
import { runOkmCommand } from './okm-command.js';
import { runSendCommand } from './send-command.js';
import { runServeCommand } from './serve-command.js';
import { runSimCommand } from './sim-command.js';
import { runTrafficCommand } from './traffic-command.js';
import { runCaCommand } from './ca-command.js';
import { runEndpointCommand } from './endpoint-command.js';
import { runBackupCommand } from './backup-command.js';
import { runRestoreCommand } from './restore-command.js';

export const USAGE = `usage: opentps <command> [options]   (every command takes --data DIR, default ./data)
  serve [--host H] [--port N] [--http] [--cert F --key F] [--auth hmac|open]
  device add <cwmId> [--key K] [--name LABEL]
  device list [--json]
  send <cwmId> --dst '<JSON array>' --cmd wr|rd --pld '<JSON object>' [--ttl SECONDS] [--json]
  messages <cwmId> [--json]
  okm crc '<OKM JSON text>'
  traffic [<deviceId>|unknown] [--limit N] [--json]
  admin add <name> [--password P]        (generated and printed when absent)
  token create <operator> [--label L]     (prints an API token for Authorization: Bearer)
  sim --url <https://host:port> [--devices N] [--okes-per-cwm K] [--interval S] [--duration S]
      [--ramp-up S] [--grace S] [--insecure | --ca FILE] [--register --data D | --keys FILE] [--seed S]
      [--max-backoff S] [--json]
  ca init [--name "ACME kitchens"] [--algorithm rsa-2048|ecdsa-p256]
  ca server-cert <dns-or-ip>...           (the endpoint names the CWMs use; serve picks it up)
  ca client-cert <label>                  (a client provisioning certificate and key for CWMs)
  ca list [--json] | ca revoke <serial>
  ca export --dir OUT [--label L]         (every PEM a CWM needs, with README.txt)
  endpoint check <value>                  (is this a valid CWM endpoint value?)
  file add <path> [--name N] [--replace]  (served to devices at /files/<name> and /<name>)
  file list [--json]
  file rm <name>
  backup --out FILE                       (a consistent copy of DATA/opentps.db while the server runs; not
                                           traffic.db, which only holds recent requests for diagnostics)
  restore --from FILE                     (puts a backup back as DATA/opentps.db, keeping the old one aside;
                                           refused while a server or another command has the store open)`;

const COMMANDS: Record<string, (args: readonly string[], io: CliIo) => Promise<number>> = {
  serve: runServeCommand,
  device: runDeviceCommand,
  send: runSendCommand,
  messages: runMessagesCommand,
  okm: runOkmCommand,
  traffic: runTrafficCommand,
  sim: runSimCommand,
  admin: runAdminCommand,
  token: runTokenCommand,
  ca: runCaCommand,
  endpoint: runEndpointCommand,
  file: runFileCommand,
  backup: runBackupCommand,
  restore: runRestoreCommand,
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`opentps: unknown command ${JSON.stringify(name)}\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof OpenTpsError) {
      const lines = error.message.split('\n');
      for (const line of lines) io.err(`opentps: ${error.code}: ${line}`);
      return error.code === 'ERR_CLI_USAGE' || error.code === 'ERR_CONFIG_INVALID' ? 2 : 1;
    }
    io.err(`opentps: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
