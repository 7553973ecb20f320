// The rules of a forwarding destination a shape cannot say (issue 17 "Bad input": a destination URL that is not
// https except to loopback): a webhook URL as a notification channel's (https, http only to loopback, no
// credentials); a broker URL over TLS (mqtts, wss), plain mqtt/ws only to loopback, its password in its own
// member and never in the URL (where it would show wherever the URL is listed); a valid topic template.

import { Value } from '@sinclair/typebox/value';
import { OpenTpsError } from '../../errors.js';
import { isLoopbackHost } from '../loopback-host.js';
import { DestinationSchema, type Destination } from './destination.js';
import { parseTopicTemplate } from './topic-template.js';

function invalid(problem: string): OpenTpsError {
  return new OpenTpsError('ERR_DESTINATION_INVALID', problem);
}

function urlOf(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw invalid(`target.url: ${JSON.stringify(text.slice(0, 80))} is not an absolute URL`);
  }
}

/** The webhook URL, checked. @throws OpenTpsError ERR_DESTINATION_INVALID */
export function parseDestinationWebhookUrl(text: string): URL {
  const url = urlOf(text);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) throw invalid(`target.url: must be https (http only to localhost or 127.0.0.1/::1), got ${url.protocol.replace(':', '')}`);
  if (url.username !== '' || url.password !== '') throw invalid('target.url: must not carry a user name or password (the signature authenticates)');
  return url;
}

/** The broker URL, checked. @throws OpenTpsError ERR_DESTINATION_INVALID */
export function parseBrokerUrl(text: string): URL {
  const url = urlOf(text);
  const isTls = url.protocol === 'mqtts:' || url.protocol === 'wss:';
  const isPlain = url.protocol === 'mqtt:' || url.protocol === 'ws:';
  if (!isTls && !isPlain) throw invalid(`target.url: a broker URL is mqtts:// or wss:// (mqtt:// or ws:// to a loopback host), got ${url.protocol.replace(':', '')}`);
  if (isPlain && !isLoopbackHost(url.hostname)) throw invalid(`target.url: ${url.protocol}// only to a loopback host; use ${url.protocol === 'mqtt:' ? 'mqtts' : 'wss'}:// to reach ${url.hostname}`);
  if (url.username !== '' || url.password !== '') throw invalid('target.url: put the user name and password in "username" and "password", not in the URL');
  return url;
}

/** Every rule of a destination. @throws OpenTpsError ERR_DESTINATION_INVALID naming the first bad member */
export function parseDestination(input: unknown): Destination {
  if (!Value.Check(DestinationSchema, input)) {
    const first = Value.Errors(DestinationSchema, input).First();
    const path = (first?.path ?? '').split('/').filter((part) => part !== '').join('.');
    throw invalid(`${path === '' ? 'destination' : path}: ${first?.message ?? 'not a destination'}`);
  }
  if (input.target.kind === 'webhook') parseDestinationWebhookUrl(input.target.url);
  else {
    parseBrokerUrl(input.target.url);
    parseTopicTemplate(input.target.topicTemplate);
  }
  return input;
}
