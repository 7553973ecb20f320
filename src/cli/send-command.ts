// `opentps send <cwmId> --dst '<JSON array>' --cmd wr|rd --pld '<JSON object>' [--ttl SECONDS]`:
// the vendor's /pullform as a command, through the same queue code as the API.

import { loadConfig } from '../config/load-config.js';
import { OpenTpsError } from '../errors.js';
import { parseMessageJson } from '../domain/message-request.js';
import { cwmIdFromDestination } from '../protocol/device-id.js';
import { openServices } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs } from './command-args.js';
import { formatTime } from './text-table.js';

export async function runSendCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(
    args,
    { dst: { type: 'string' }, cmd: { type: 'string' }, pld: { type: 'string' }, ttl: { type: 'string' }, json: { type: 'boolean' } },
    { min: 1, max: 1 },
  );
  const cwmId = positionals[0] ?? '';
  for (const required of ['dst', 'cmd', 'pld']) {
    if (typeof values[required] !== 'string') throw new OpenTpsError('ERR_CLI_USAGE', `--${required} is required`);
  }
  const destination = parseMessageJson('_dst', String(values['dst']));
  const payload = parseMessageJson('_pld', String(values['pld']));
  if (Array.isArray(destination) && destination.length > 0 && cwmIdFromDestination(destination.map(String)) !== cwmId) {
    throw new OpenTpsError('ERR_MESSAGE_DST_INVALID', `the CWM named last in --dst must be ${cwmId}`);
  }
  const ttlText = values['ttl'];
  const ttlSeconds = typeof ttlText === 'string' ? (/^\d+$/.test(ttlText) ? Number(ttlText) : ttlText) : undefined;
  const config = loadConfig(configFlags(values), io.env);
  const services = await openServices(config);
  try {
    const message = await services.queue.queueMessage({ destination, cmd: values['cmd'], payload, ttlSeconds });
    await services.audit.record('cli', 'message.queue', message.cwmId, { messageId: message.id, okmId: message.okmId, cmd: message.cmd, payload: message.payload });
    if (values['json'] === true) io.out(JSON.stringify({ id: message.id, okmId: message.okmId, cwmId: message.cwmId, state: message.state }));
    else io.out(`queued message ${message.id} with _id ${message.okmId} for ${message.cwmId} (expires ${formatTime(message.expiresAtMs)})`);
    return 0;
  } finally {
    await services.store.close();
  }
}
