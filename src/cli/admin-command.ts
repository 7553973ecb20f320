// `opentps admin add <name> [--password P]` and `opentps token create <operator> [--label L]`:
// operator accounts and API tokens, from the shell of the machine that holds the data directory.

import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/load-config.js';
import { OpenTpsError } from '../errors.js';
import { openServices } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs } from './command-args.js';

const ADMIN_OPTIONS = { password: { type: 'string' } } as const;
const TOKEN_OPTIONS = { label: { type: 'string' } } as const;

export async function runAdminCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') throw new OpenTpsError('ERR_CLI_USAGE', `admin takes "add", got ${JSON.stringify(sub ?? '')}`);
  const { positionals, values } = parseCommandArgs(rest, ADMIN_OPTIONS, { min: 1, max: 1 });
  const services = await openServices(loadConfig(configFlags(values, ADMIN_OPTIONS), io.env));
  try {
    const name = positionals[0] ?? '';
    const given = typeof values['password'] === 'string' ? values['password'] : io.env['OPENTPS_NEW_PASSWORD'];
    const password = given ?? randomBytes(18).toString('base64url');
    await services.auth.addOperator(name, password);
    await services.audit.record('cli', 'operator.add', name);
    io.err(`added operator ${name}`);
    if (given === undefined) io.out(password);
    return 0;
  } finally {
    await services.store.close();
  }
}

export async function runTokenCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new OpenTpsError('ERR_CLI_USAGE', `token takes "create", got ${JSON.stringify(sub ?? '')}`);
  const { positionals, values } = parseCommandArgs(rest, TOKEN_OPTIONS, { min: 1, max: 1 });
  const services = await openServices(loadConfig(configFlags(values, TOKEN_OPTIONS), io.env));
  try {
    const operator = positionals[0] ?? '';
    const found = await services.store.findOperator(operator);
    if (!found) throw new OpenTpsError('ERR_LOGIN_FAILED', `no operator ${JSON.stringify(operator)}`);
    const label = typeof values['label'] === 'string' ? values['label'] : null;
    const token = await services.auth.createApiToken(found.name, label);
    await services.audit.record('cli', 'token.create', found.name, { label });
    io.err(`API token for ${found.name} (send it as "Authorization: Bearer <token>"; shown once):`);
    io.out(token);
    return 0;
  } finally {
    await services.store.close();
  }
}
