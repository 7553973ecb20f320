import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDisplayUrl } from './display-url.js';

test('a wildcard address is shown as localhost, with the scheme of the listener and the bound port', () => {
  assert.equal(formatDisplayUrl({ host: '0.0.0.0', port: 8443, isTls: true }), 'https://localhost:8443');
  assert.equal(formatDisplayUrl({ host: '::', port: 8081, isTls: false }), 'http://localhost:8081');
});

test('a named host or IPv4 address is shown as given; an IPv6 address in brackets', () => {
  assert.equal(formatDisplayUrl({ host: '127.0.0.1', port: 41234, isTls: false }), 'http://127.0.0.1:41234');
  assert.equal(formatDisplayUrl({ host: 'tps.example.com', port: 443, isTls: true }), 'https://tps.example.com:443');
  assert.equal(formatDisplayUrl({ host: '::1', port: 8443, isTls: true }), 'https://[::1]:8443');
});
