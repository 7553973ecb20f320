// `opentps okm crc '<OKM JSON text>'`: the CRC (PROTOCOL.md A2) the text should carry, as 4 upper-case hex digits.
// Like every command it takes the configuration options (--data DIR), which it has no use for.

import { OpenTpsError } from '../errors.js';
import { computeCrc16, formatCrc16 } from '../protocol/crc16.js';
import { computeOkmCrc } from '../protocol/okm-crc.js';
import type { CliIo } from './cli-io.js';
import { parseCommandArgs } from './command-args.js';

export async function runOkmCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'crc') throw new OpenTpsError('ERR_CLI_USAGE', `okm takes "crc", got ${JSON.stringify(sub ?? '')}`);
  const { positionals } = parseCommandArgs(rest, {}, { min: 0, max: Number.POSITIVE_INFINITY });
  const [text, ...extra] = positionals;
  if (text === undefined) throw new OpenTpsError('ERR_CLI_USAGE', "okm crc needs the OKM text, e.g. opentps okm crc '{\"_crc\":\"0000\"}'");
  if (extra.length > 0) throw new OpenTpsError('ERR_CLI_USAGE', 'quote the OKM text as one argument');
  try {
    JSON.parse(text);
  } catch (cause) {
    throw new OpenTpsError('ERR_CLI_USAGE', 'the OKM text is not valid JSON', { cause });
  }
  // With no 4-digit `_crc` slot the CRC of the text as given is the only meaningful answer.
  io.out(computeOkmCrc(text) ?? formatCrc16(computeCrc16(new TextEncoder().encode(text))));
  return 0;
}
