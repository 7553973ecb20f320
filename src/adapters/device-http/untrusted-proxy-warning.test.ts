import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { createProxyMatcher } from './client-certificate.js';
import { createUntrustedProxyWarning, MAX_WARNED_PEERS } from './untrusted-proxy-warning.js';

test('past MAX_WARNED_PEERS peers one last line says so and no further peer is logged', () => {
  const messages: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => messages.push((JSON.parse(line) as { msg: string }).msg) });
  const warnIfUntrustedProxy = createUntrustedProxyWarning({ isTrustedProxy: createProxyMatcher([]), logger });
  for (let i = 0; i < MAX_WARNED_PEERS + 500; i++) warnIfUntrustedProxy(`10.0.${i >> 8}.${i & 255}`, { 'x-forwarded-for': '203.0.113.7' });
  assert.equal(messages.length, MAX_WARNED_PEERS + 1);
  assert.match(messages.at(-1) ?? '', /no further ones are logged/);
  assert.match(messages[0] ?? '', /^requests from 10\.0\.0\.0 carry x-forwarded-for/);
});
