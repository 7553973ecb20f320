// `opentps admin add`, `opentps token create`, and the audit entries of command-line actions.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { runCli } from '../src/cli/opentps.js';
import type { CliIo } from '../src/cli/cli-io.js';
import { loadConfig } from '../src/config/load-config.js';
import { buildApp, openServices } from '../src/main.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const dir = createTempDataDir();
after(() => dir.remove());

async function cli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env, out: (text) => out.push(...text.split('\n')), err: (text) => err.push(...text.split('\n')) };
  return { code: await runCli(argv, io), out, err };
}

test('admin add prints a generated password once, and refuses a taken name, a bad name and a short password', async () => {
  const added = await cli(['admin', 'add', 'ops', '--data', dir.path]);
  assert.equal(added.code, 0, added.err.join('\n'));
  assert.match(added.out[0] ?? '', /^[A-Za-z0-9_-]{24}$/);
  const again = await cli(['admin', 'add', 'OPS', '--data', dir.path, '--password', 'another long password']);
  assert.equal(again.code, 1);
  assert.match(again.err.join('\n'), /ERR_OPERATOR_EXISTS/);
  assert.match((await cli(['admin', 'add', 'bad name', '--data', dir.path, '--password', 'another long password'])).err.join('\n'), /ERR_OPERATOR_NAME_INVALID/);
  const short = await cli(['admin', 'add', 'kim', '--data', dir.path, '--password', 'short']);
  assert.match(short.err.join('\n'), /ERR_PASSWORD_WEAK/);
  const fromEnv = await cli(['admin', 'add', 'lee', '--data', dir.path], { OPENTPS_NEW_PASSWORD: 'password from the env' });
  assert.equal(fromEnv.code, 0);
  assert.deepEqual(fromEnv.out.filter((line) => line !== ''), [], 'a given password is never printed');
});

test('token create prints a token that the admin API accepts, and refuses an unknown operator', async () => {
  const created = await cli(['token', 'create', 'ops', '--label', 'backup job', '--data', dir.path]);
  assert.equal(created.code, 0, created.err.join('\n'));
  const token = created.out[0] ?? '';
  assert.match(token, /^otps_/);
  const services = await openServices(loadConfig({ data: dir.path }, {}));
  const app = buildApp(services, pino({ level: 'silent' }), null);
  try {
    const response = await app.app.inject({ method: 'GET', url: '/api/v1/fleet', headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.statusCode, 200);
    const audit = await services.store.listAudit(50);
    assert.ok(audit.some((entry) => entry.actor === 'cli' && entry.action === 'token.create' && entry.target === 'ops'));
    assert.ok(!JSON.stringify(audit).includes(token));
  } finally {
    await app.app.close();
    await services.store.close();
  }
  const unknown = await cli(['token', 'create', 'nobody', '--data', dir.path]);
  assert.equal(unknown.code, 1);
});

test('device add and send from the command line are in the audit log, like the same actions on the API', async () => {
  const added = await cli(['device', 'add', '0002aud100000001', '--name', 'Audited fryer', '--data', dir.path]);
  assert.equal(added.code, 0, added.err.join('\n'));
  const sent = await cli(['send', '0002aud100000001', '--dst', '["0002aud100000001"]', '--cmd', 'rd', '--pld', '{"_ping":true}', '--data', dir.path, '--json']);
  assert.equal(sent.code, 0, sent.err.join('\n'));
  const services = await openServices(loadConfig({ data: dir.path }, {}));
  try {
    const audit = await services.store.listAudit(50);
    const key = added.out[0] ?? '';
    assert.ok(audit.some((entry) => entry.actor === 'cli' && entry.action === 'device.add' && entry.target === '0002aud100000001'));
    assert.ok(audit.some((entry) => entry.actor === 'cli' && entry.action === 'message.queue' && entry.target === '0002aud100000001'));
    assert.ok(key.length > 0 && !JSON.stringify(audit).includes(key), 'the provisioning key is never in the audit log');
  } finally {
    await services.store.close();
  }
});
