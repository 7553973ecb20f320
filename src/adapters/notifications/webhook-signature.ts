// Signs a webhook notification per the Standard Webhooks specification (issue 16): `webhook-id`,
// `webhook-timestamp` (Unix seconds) and `webhook-signature` = `v1,` + base64 HMAC-SHA256 over
// `id.timestamp.body`, keyed with the channel's `whsec_` secret. The spec's own library does the signing, so a
// receiver using any Standard Webhooks library verifies it.

import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface WebhookSignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** The prefix Standard Webhooks secrets carry; the rest is the key, base64. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new channel secret: 32 random bytes (the spec asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The headers that sign `body` (sent exactly as signed). `id` names the notification: a retry sends the same id,
 * so a receiver can drop a repeat.
 * @example signWebhook(secret, 'ntf_42', new Date(), '{"alert":...}')['webhook-signature'] // 'v1,K5oZ...'
 */
export function signWebhook(secret: string, id: string, at: Date, body: string): WebhookSignatureHeaders {
  const signature = new Webhook(secret).sign(id, at, body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}
