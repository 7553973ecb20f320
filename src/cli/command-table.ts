// The table of `opentps` commands: each with its usage lines (what `--help` prints) and, where it has them,
// its subcommands. A command cannot be added without its usage: the field is required, and
// test/cli-help.test.ts asks every command and subcommand of this table for `--help`.

import type { CliIo } from './cli-io.js';
import { runAdminCommand, runTokenCommand } from './admin-command.js';
import { runBackupCommand } from './backup-command.js';
import { runCaCommand } from './ca-command.js';
import { runDeviceCommand } from './device-command.js';
import { runEndpointCommand } from './endpoint-command.js';
import { runFileCommand } from './file-command.js';
import { runMessagesCommand } from './messages-command.js';
import { runModelCommand } from './model-command.js';
import { runOkmCommand } from './okm-command.js';
import { runRestoreCommand } from './restore-command.js';
import { runSendCommand } from './send-command.js';
import { runServeCommand } from './serve-command.js';
import { runSimCommand } from './sim-command.js';
import { runTrafficCommand } from './traffic-command.js';

export interface CliCommand {
  /**
   * One synopsis per form, each starting with the command's name (and the subcommand's, for a command that
   * has them); continuation lines start with a space. `opentps <command> [<subcommand>] --help` prints them.
   */
  readonly usage: readonly string[];
  /** The words that may follow the command's name, each described by the usage lines starting with it. */
  readonly subcommands?: readonly string[];
  /** `--help` lists every configuration option (serve's) instead of pointing to that list. */
  readonly isHelpListingSettings?: boolean;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  serve: {
    usage: ['serve [--host H] [--port N] [--http] [--cert F --key F] [--auth hmac|open] [--log-format auto|json|pretty]'],
    isHelpListingSettings: true,
    run: runServeCommand,
  },
  device: {
    usage: ['device add <cwmId> [--key K] [--name LABEL]', 'device list [--json]'],
    subcommands: ['add', 'list'],
    run: runDeviceCommand,
  },
  send: {
    usage: ["send <cwmId> --dst '<JSON array>' --cmd wr|rd --pld '<JSON object>' [--ttl SECONDS] [--json]"],
    run: runSendCommand,
  },
  messages: { usage: ['messages <cwmId> [--json]'], run: runMessagesCommand },
  okm: { usage: ["okm crc '<OKM JSON text>'"], subcommands: ['crc'], run: runOkmCommand },
  traffic: { usage: ['traffic [<deviceId>|unknown] [--limit N] [--json]'], run: runTrafficCommand },
  admin: { usage: ['admin add <name> [--password P]        (generated and printed when absent)'], subcommands: ['add'], run: runAdminCommand },
  token: {
    usage: ['token create <operator> [--label L]     (prints an API token for Authorization: Bearer)'],
    subcommands: ['create'],
    run: runTokenCommand,
  },
  sim: {
    usage: [
      'sim --url <https://host:port> [--devices N] [--okes-per-cwm K] [--interval S] [--duration S]',
      '    [--ramp-up S] [--grace S] [--insecure | --ca FILE] [--register --data D | --keys FILE] [--seed S]',
      '    [--max-backoff S] [--no-gwmac] [--json]',
      '    (virtual fryers and combi ovens; --no-gwmac: requests carry no gwmac=<site gateway MAC>)',
    ],
    run: runSimCommand,
  },
  ca: {
    usage: [
      'ca init [--name "ACME kitchens"] [--algorithm rsa-2048|ecdsa-p256]',
      'ca server-cert <dns-or-ip>...           (the endpoint names the CWMs use; serve picks it up)',
      'ca client-cert <label>                  (a client provisioning certificate and key for CWMs)',
      'ca list [--json]',
      'ca revoke <serial>',
      'ca export --dir OUT [--label L]         (every PEM a CWM needs, with README.txt)',
    ],
    subcommands: ['init', 'server-cert', 'client-cert', 'list', 'revoke', 'export'],
    run: runCaCommand,
  },
  endpoint: { usage: ['endpoint check <value>                  (is this a valid CWM endpoint value?)'], subcommands: ['check'], run: runEndpointCommand },
  file: {
    usage: ['file add <path> [--name N] [--replace]  (served to devices at /files/<name> and /<name>)', 'file list [--json]', 'file rm <name>'],
    subcommands: ['add', 'list', 'rm'],
    run: runFileCommand,
  },
  model: {
    usage: [
      'model list [--json]                     (every equipment model: id, name, kind, fields, version, saved by/at)',
      'model show <modelId>                    (the model and its dictionary, as JSON, with its version)',
      'model import <file> [--format json|csv] [--expected-version N] [--as <modelId>]',
      '                                        (a JSON file holds one model or an array: all are saved or none;',
      '                                         a CSV file holds one: model_id, name, maker, kind rows, then the',
      '                                         header key,label,class,type,unit,scale,offset,precision,min,max,',
      '                                         haccp,enum_labels,bit_labels,item_labels and a row per field;',
      '                                         labels as 0=off;1=melt, \\ escapes ; = \\ in them; the format',
      '                                         comes from the extension unless --format says)',
      'model export [<modelId>...] [--format json|csv] [--out FILE]',
      '                                        (all models when none is named, JSON by default; CSV: one model)',
      'model versions <modelId> [--json]       (every saved version, newest first, deletions included)',
      'model delete <modelId>                  (built-in models cannot be deleted)',
      'model schema                            (the JSON Schema of a model file, docs/schemas/equipment-model.schema.json)',
    ],
    subcommands: ['list', 'show', 'import', 'export', 'versions', 'delete', 'schema'],
    run: runModelCommand,
  },
  backup: {
    usage: [
      'backup --out FILE                       (a consistent copy of DATA/opentps.db while the server runs; not',
      '                                         traffic.db, which only holds recent requests for diagnostics)',
    ],
    run: runBackupCommand,
  },
  restore: {
    usage: [
      'restore --from FILE                     (puts a backup back as DATA/opentps.db, keeping the old one aside;',
      '                                         refused while a server or another command has the store open)',
    ],
    run: runRestoreCommand,
  },
};
