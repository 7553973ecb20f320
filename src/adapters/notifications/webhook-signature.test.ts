import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signWebhook, WEBHOOK_SECRET_PREFIX } from './webhook-signature.js';

const BODY = '{"type":"alert.fired","data":{"rule":"Oil too hot","device":"e0f1aabbccddee01","value":"212.0 °C"}}';

test('the signature is the spec\'s: v1, base64 HMAC-SHA256 of id.timestamp.body with the base64 key after whsec_', () => {
  const secret = newWebhookSecret();
  assert.ok(secret.startsWith(WEBHOOK_SECRET_PREFIX));
  const at = new Date(Date.UTC(2026, 11, 2, 14, 0, 0));
  const headers = signWebhook(secret, 'ntf_1', at, BODY);
  assert.equal(headers['webhook-id'], 'ntf_1');
  assert.equal(headers['webhook-timestamp'], String(at.getTime() / 1000));
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  const expected = createHmac('sha256', key).update(`ntf_1.${at.getTime() / 1000}.${BODY}`, 'utf8').digest('base64');
  assert.equal(headers['webhook-signature'], `v1,${expected}`);
});

test('a receiver using the Standard Webhooks library verifies it, and refuses a changed body or another secret', () => {
  const secret = newWebhookSecret();
  const headers = signWebhook(secret, 'ntf_2', new Date(), BODY);
  assert.deepEqual(new Webhook(secret).verify(BODY, { ...headers }), JSON.parse(BODY));
  assert.throws(() => new Webhook(secret).verify(BODY.replace('212.0', '112.0'), { ...headers }));
  assert.throws(() => new Webhook(newWebhookSecret()).verify(BODY, { ...headers }));
});
