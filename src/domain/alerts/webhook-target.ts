// Where a webhook channel may post (issue 16 "Bad input": a channel URL that is not https, http allowed only
// for loopback). Alerts carry device ids and values: over plain HTTP they would cross the network readable.

import { OpenTpsError } from '../../errors.js';
import { isLoopbackHost } from '../loopback-host.js';

export const MAX_WEBHOOK_URL_CHARS = 2000;

/**
 * The URL a webhook channel posts to, checked: absolute, https (http only to a loopback host), no credentials in
 * it (they would show wherever the channel is listed). @throws OpenTpsError ERR_CHANNEL_INVALID naming what is wrong
 */
export function parseWebhookUrl(text: string): URL {
  if (text.length > MAX_WEBHOOK_URL_CHARS) throw new OpenTpsError('ERR_CHANNEL_INVALID', `url: at most ${MAX_WEBHOOK_URL_CHARS} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OpenTpsError('ERR_CHANNEL_INVALID', `url: ${JSON.stringify(text.slice(0, 80))} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new OpenTpsError('ERR_CHANNEL_INVALID', `url: must be https (http only to localhost or 127.0.0.1/::1), got ${url.protocol.replace(':', '')}`);
  }
  if (url.username !== '' || url.password !== '') throw new OpenTpsError('ERR_CHANNEL_INVALID', 'url: must not carry a user name or password (the signature authenticates)');
  return url;
}
