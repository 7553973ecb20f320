import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createTempDataDir } from '../../../test/support/temp-data-dir.js';
import { registerConsoleStatic } from './console-static.js';

const dir = createTempDataDir();
let app: FastifyInstance;
before(async () => {
  const dist = join(dir.path, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dist, 'assets', 'app-1a2b.js'), 'console.log(1)');
  writeFileSync(join(dir.path, 'secret.txt'), 'do not serve');
  app = Fastify();
  registerConsoleStatic(app, dist);
  await app.ready();
});
after(async () => {
  await app.close();
  dir.remove();
});

test('/ redirects to the console, and the console shell is served with a CSP and no framing', async () => {
  const root = await app.inject({ method: 'GET', url: '/' });
  assert.equal(root.statusCode, 302);
  assert.equal(root.headers['location'], '/console/');
  const shell = await app.inject({ method: 'GET', url: '/console/' });
  assert.equal(shell.statusCode, 200);
  assert.match(shell.body, /<title>console<\/title>/);
  assert.match(String(shell.headers['content-security-policy']), /default-src 'self'/);
  assert.equal(shell.headers['x-frame-options'], 'DENY');
});

test('hashed assets are served with a long cache; client-side routes get the shell; a missing asset is 404', async () => {
  const asset = await app.inject({ method: 'GET', url: '/console/assets/app-1a2b.js' });
  assert.equal(asset.body, 'console.log(1)');
  assert.match(String(asset.headers['content-type']), /^text\/javascript/);
  assert.match(String(asset.headers['cache-control']), /immutable/);
  assert.match((await app.inject({ method: 'GET', url: '/console/devices/0002' })).body, /<title>console/);
  assert.equal((await app.inject({ method: 'GET', url: '/console/assets/missing.js' })).statusCode, 404);
});

test('paths that climb out of the build folder never reach other files', async () => {
  for (const url of ['/console/../secret.txt', '/console/%2e%2e/secret.txt', '/console/..%2fsecret.txt', '/console/assets/%2e%2e/%2e%2e/secret.txt', '/console/%00']) {
    const response = await app.inject({ method: 'GET', url });
    assert.ok(!response.body.includes('do not serve'), url);
  }
});
