// `opentps messages <cwmId>`: the CWM's queue with states and results, oldest first.

import { loadConfig } from '../config/load-config.js';
import { openServices } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs } from './command-args.js';
import { formatTable, formatTime } from './text-table.js';

export async function runMessagesCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, { json: { type: 'boolean' } }, { min: 1, max: 1 });
  const config = loadConfig(configFlags(values), io.env);
  const services = await openServices(config);
  try {
    const messages = await services.queue.listMessages(positionals[0] ?? '');
    if (values['json'] === true) {
      io.out(JSON.stringify(messages));
      return 0;
    }
    io.out(
      formatTable(
        ['ID', '_ID', 'STATE', 'CMD', 'DST', 'PLD', 'CREATED', 'DELIVERED', 'DELIVERIES', 'RESULT'],
        messages.map((m) => [
          String(m.id), String(m.okmId), m.state, m.cmd, JSON.stringify(m.destination), JSON.stringify(m.payload),
          formatTime(m.createdAtMs), formatTime(m.deliveredAtMs), String(m.deliveryCount), m.result === null ? '-' : JSON.stringify(m.result),
        ]),
      ),
    );
    return 0;
  } finally {
    await services.store.close();
  }
}
