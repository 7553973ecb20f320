import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeScrape } from './scrape-authorization.js';

const TOKEN = 'scrape-token-0123456789';

test('without a configured token every scrape is disabled, whatever it sends', () => {
  assert.equal(judgeScrape(undefined, null), 'disabled');
  assert.equal(judgeScrape(`Bearer ${TOKEN}`, null), 'disabled');
});

test('the configured token as a Bearer credential is allowed, the scheme in any case', () => {
  assert.equal(judgeScrape(`Bearer ${TOKEN}`, TOKEN), 'allowed');
  assert.equal(judgeScrape(`bearer ${TOKEN}`, TOKEN), 'allowed');
});

test('no header, another scheme, another token or a prefix of it is refused', () => {
  assert.equal(judgeScrape(undefined, TOKEN), 'refused');
  assert.equal(judgeScrape(`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, TOKEN), 'refused');
  assert.equal(judgeScrape('Bearer scrape-token-9999999999', TOKEN), 'refused');
  assert.equal(judgeScrape(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN), 'refused');
  assert.equal(judgeScrape(`Bearer ${TOKEN} extra`, TOKEN), 'refused');
});
