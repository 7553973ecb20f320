// `opentps file add <path> [--name N] [--replace]`, `opentps file list [--json]`, `opentps file rm <name>`:
// the managed file store (PROTOCOL.md A7) from the command line, on SQLite (--data) or PostgreSQL (--db).

import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { OpenTpsError } from '../errors.js';
import { openServices } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs, type OptionSpec } from './command-args.js';
import { formatTable, formatTime } from './text-table.js';

export async function runFileCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addFile(rest, io);
  if (sub === 'list') return listFiles(rest, io);
  if (sub === 'rm') return removeFile(rest, io);
  throw new OpenTpsError('ERR_CLI_USAGE', `file takes "add", "list" or "rm", got ${JSON.stringify(sub ?? '')}`);
}

async function addFile(args: readonly string[], io: CliIo): Promise<number> {
  const options: OptionSpec = { name: { type: 'string' }, replace: { type: 'boolean' } };
  const { positionals, values } = parseCommandArgs(args, options, { min: 1, max: 1 });
  const path = positionals[0] ?? '';
  const name = typeof values['name'] === 'string' ? values['name'] : basename(path);
  const config = loadConfig(configFlags(values, options), io.env);
  // Opened first, so a wrong path is a usage error before the store is touched.
  const handle = await open(path, 'r').catch((cause: unknown) => {
    throw new OpenTpsError('ERR_CLI_USAGE', `no such file ${path}`, { cause });
  });
  const services = await openServices(config);
  try {
    const isReplacing = values['replace'] === true;
    const file = await services.files.addFile(name, handle.createReadStream(), { uploadedBy: 'cli', isReplacing });
    await services.audit.record('cli', 'file.add', name, { size: file.size, sha256: file.sha256, replaced: isReplacing });
    io.err(`added ${file.name} (${file.size} bytes); serve it at /files/${file.name} and /${file.name}`);
    io.out(`${file.name} ${file.size} md5=${file.md5} sha256=${file.sha256} crc16=${file.crc16}`);
    return 0;
  } finally {
    // A read-only handle: closing it cannot lose data, and the command's own outcome is already decided.
    await handle.close().catch(() => undefined);
    await services.store.close();
  }
}

async function listFiles(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, { min: 0, max: 0 });
  const services = await openServices(loadConfig(configFlags(values), io.env));
  try {
    const files = await services.files.listFiles();
    if (values['json'] === true) {
      io.out(JSON.stringify(files));
      return 0;
    }
    io.out(formatTable(['NAME', 'SIZE', 'MD5', 'CRC16', 'SHA-256', 'ADDED'], files.map((f) => [f.name, String(f.size), f.md5, f.crc16, f.sha256, formatTime(f.createdAtMs)])));
    return 0;
  } finally {
    await services.store.close();
  }
}

async function removeFile(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, {}, { min: 1, max: 1 });
  const services = await openServices(loadConfig(configFlags(values), io.env));
  try {
    const removed = await services.files.deleteFile(positionals[0] ?? '');
    await services.audit.record('cli', 'file.delete', removed.name, { sha256: removed.sha256 });
    io.err(`removed ${removed.name}`);
    return 0;
  } finally {
    await services.store.close();
  }
}
