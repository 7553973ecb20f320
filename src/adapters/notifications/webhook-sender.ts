// Posts a notification to a webhook channel (issue 16): the outbox entry's payload as JSON, signed per Standard
// Webhooks with the entry's message id (the same on every retry, so the receiver drops repeats). Only a 2xx
// answer delivers; anything else becomes a failure with a short reason the console shows.

import type { Clock } from '../../domain/clock.js';
import type { ChannelRecord, OutboxRecord } from '../../domain/alerts/alert-store.js';
import { notificationNotDelivered, type NotificationSender } from '../../domain/alerts/notification-dispatcher.js';
import { parseWebhookUrl } from '../../domain/alerts/webhook-target.js';
import { signWebhook } from './webhook-signature.js';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookSenderOptions {
  readonly clock: Clock;
  /** For the whole exchange: connecting, sending, the answer's status. Default 10 s. */
  readonly timeoutMs?: number;
}

/** `10 s`, or `250 ms` below a whole second. */
function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function hasCode(value: unknown): value is { readonly code: string; readonly message?: unknown } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string';
}

/** The short reason of a fetch that threw: the network error's code (ECONNREFUSED), or the TLS problem. */
function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timeout after ${durationText(timeoutMs)}`;
  // fetch wraps the socket's error as TypeError('fetch failed', { cause }).
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (hasCode(cause)) {
    // A system error's code says it all (ECONNREFUSED, ENOTFOUND); a TLS code needs its message beside it.
    if (/^E[A-Z]+$/.test(cause.code) || typeof cause.message !== 'string') return cause.code;
    return `${cause.message} (${cause.code})`;
  }
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The webhook sender for the dispatcher. Redirects are not followed: a signed notification goes only to the URL
 * an operator checked, not wherever the receiver points. @throws OpenTpsError ERR_NOTIFICATION_NOT_DELIVERED,
 * ERR_CHANNEL_INVALID (the URL no longer passes the checks; given up)
 */
export function createWebhookSender(options: WebhookSenderOptions): NotificationSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  return async function sendWebhook(channel: ChannelRecord, entry: OutboxRecord): Promise<void> {
    if (channel.target.kind !== 'webhook') throw notificationNotDelivered(`channel ${channel.id} is not a webhook channel`, { isPermanent: true });
    if (channel.secret === null) throw notificationNotDelivered('the webhook channel has no signing secret', { isPermanent: true });
    // Checked again here, not only when saved: a row edited by hand or written by an older version still passes it.
    const url = parseWebhookUrl(channel.target.url);
    const body = JSON.stringify(entry.payload);
    const signature = signWebhook(channel.secret, entry.messageId, new Date(options.clock.nowMs()), body);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'OpenTPS', ...signature },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw notificationNotDelivered(networkReason(error, timeoutMs), { cause: error });
    }
    // The answer's body is not needed: dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return;
    if (response.status >= 300 && response.status < 400) throw notificationNotDelivered(`HTTP ${response.status} redirect not followed`);
    throw notificationNotDelivered(`HTTP ${response.status}`);
  };
}
