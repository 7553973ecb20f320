import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenTpsError } from '../../errors.js';
import { parseWebhookUrl } from './webhook-target.js';

test('https anywhere, and http only to a loopback host, is a webhook target', () => {
  for (const url of ['https://hooks.example.com/opentps', 'http://localhost:8080/hook', 'http://127.0.0.1:9/x', 'http://[::1]:8080/', 'http://api.localhost/hook']) {
    assert.equal(parseWebhookUrl(url).href.length > 0, true, url);
  }
});

test('plain http elsewhere, other schemes, relative URLs and credentials are refused naming the url', () => {
  for (const url of ['http://hooks.example.com/x', 'http://10.0.0.5/x', 'http://127.example.com/x', 'ftp://example.com/x', 'javascript:alert(1)', '/relative', 'not a url', 'https://user:pw@example.com/x', `https://example.com/${'a'.repeat(2001)}`]) {
    assert.throws(() => parseWebhookUrl(url), (error) => isOpenTpsError(error, 'ERR_CHANNEL_INVALID') && error.message.includes('url'), url);
  }
});
