// `opentps endpoint check <value>`: is this what to type into the CWM's custom endpoints?

import { checkEndpointName } from '../protocol/endpoint-name.js';
import { OpenTpsError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { parseCommandArgs } from './command-args.js';

export async function runEndpointCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check') throw new OpenTpsError('ERR_CLI_USAGE', `endpoint takes "check", got ${JSON.stringify(sub ?? '')}`);
  const { positionals } = parseCommandArgs(rest, {}, { min: 1, max: 1 });
  const check = checkEndpointName(positionals[0] ?? '');
  if (!check.isValid) {
    throw new OpenTpsError('ERR_ENDPOINT_INVALID', check.suggestion === null ? check.reason : `${check.reason} (enter ${check.suggestion})`, {
      details: { problem: check.problem, suggestion: check.suggestion },
    });
  }
  io.out(`ok: enter ${check.value} for the provision, push and pull endpoints (${check.kind === 'dns' ? 'DNS name' : 'IP address'})`);
  return 0;
}
