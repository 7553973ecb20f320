// `opentps traffic [<deviceId>]`: recorded device requests, newest last. `unknown` lists the
// requests of unknown senders. Signatures are shown as verdicts, never as values.

import { loadConfig } from '../config/load-config.js';
import { redactTrafficEntry } from '../domain/traffic-redaction.js';
import { openServices } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs } from './command-args.js';
import { OpenTpsError } from '../errors.js';

export async function runTrafficCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, { limit: { type: 'string' }, json: { type: 'boolean' } }, { min: 0, max: 1 });
  const limitText = typeof values['limit'] === 'string' ? values['limit'] : '100';
  if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1) throw new OpenTpsError('ERR_CLI_USAGE', '--limit must be a whole number from 1');
  const config = loadConfig(configFlags(values), io.env);
  const services = await openServices(config);
  try {
    const device = positionals[0];
    const entries = await services.store.listTraffic({
      deviceId: device === undefined ? undefined : device === 'unknown' ? null : device,
      limit: Number(limitText),
    });
    for (const entry of entries) {
      const safe = redactTrafficEntry(entry);
      if (values['json'] === true) {
        io.out(JSON.stringify(safe));
        continue;
      }
      io.out(
        `${new Date(entry.receivedAtMs).toISOString()} ${entry.remoteAddress ?? '-'} ${entry.deviceId ?? `unknown(${entry.claimedDeviceId ?? '-'})`} ` +
          `${entry.method} ${safe.url} -> ${entry.status} ${safe.response}` +
          ` [hmac ${entry.signatureVerdict ?? '-'}, crc ${entry.crcVerdict ?? '-'}${entry.errorCode ? `, ${entry.errorCode}` : ''}, ${entry.durationMs.toFixed(1)} ms]` +
          (entry.clientCertSubject ? `\n    client certificate: ${entry.clientCertSubject} (serial ${entry.clientCertSerial ?? '-'})` : '') +
          (safe.body ? `\n    body: ${safe.body}` : ''),
      );
    }
    return 0;
  } finally {
    await services.store.close();
  }
}
