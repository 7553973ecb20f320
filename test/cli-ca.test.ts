// `opentps ca ...` and `opentps endpoint check` in-process: the happy path an operator follows, and each
// bad input answered with its named code, exit 1 (2 for usage), and nothing half-written.

import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CliIo } from '../src/cli/cli-io.js';
import { runCli } from '../src/cli/opentps.js';
import { runCliProcess } from './support/server-process.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(argv: readonly string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = { env: {}, out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/** Every file under `dir`, relative, sorted (to prove a refusal wrote nothing). */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  } catch {
    return [];
  }
}

describe('opentps ca', () => {
  let dir: TempDataDir;
  let caDir: string;
  beforeEach(() => {
    dir = createTempDataDir();
    caDir = join(dir.path, 'ca');
  });
  afterEach(() => dir.remove());
  const data = (): string[] => ['--data', dir.path];

  test('init, server-cert, client-cert, list, export: every file a CWM needs, keys 0600, each PEM under 4096 bytes', async () => {
    const init = await cli(['ca', 'init', '--name', 'ACME kitchens', ...data()]);
    assert.equal(init.code, 0, init.err);
    assert.match(init.out, /created the CA "ACME kitchens" \(rsa-2048/);
    assert.equal(statSync(join(caDir, 'root-key.pem')).mode & 0o777, 0o600);
    assert.equal((await cli(['ca', 'server-cert', 'tps.mycompany.com', '192.168.2.100', ...data()])).code, 0);
    assert.equal((await cli(['ca', 'client-cert', 'kitchen-1', ...data()])).code, 0);
    const list = await cli(['ca', 'list', '--json', ...data()]);
    const listed = JSON.parse(list.out) as { root: { name: string }; serverSerial: string; certificates: Array<{ kind: string; serial: string; names: string[] }> };
    assert.equal(listed.root.name, 'ACME kitchens');
    assert.deepEqual(listed.certificates.map((c) => c.kind).sort(), ['client', 'server']);
    for (const c of listed.certificates) assert.match(c.serial, /^[1-7][0-9A-F]{31}$/, 'a positive serial of 128 bits');

    const out = join(dir.path, 'for-the-cwm');
    const exported = await cli(['ca', 'export', '--dir', out, ...data()]);
    assert.equal(exported.code, 0, exported.err);
    assert.deepEqual(filesUnder(out), ['1-server-root-ca.pem', '2-client-provisioning-cert.pem', '3-client-provisioning-key.pem', '4-client-root-ca.pem', 'README.txt']);
    const root = new X509Certificate(readFileSync(join(out, '1-server-root-ca.pem')));
    assert.ok(root.ca);
    for (const name of filesUnder(out).filter((n) => n.endsWith('.pem'))) {
      const bytes = statSync(join(out, name)).size;
      assert.ok(bytes < 4096, `${name} is ${bytes} bytes`);
      assert.match(exported.out, new RegExp(`${name}\\s+${bytes}`), 'the export reports each size');
    }
    assert.equal(statSync(join(out, '3-client-provisioning-key.pem')).mode & 0o777, 0o600);
    const client = new X509Certificate(readFileSync(join(out, '2-client-provisioning-cert.pem')));
    assert.ok(client.verify(root.publicKey));
    assert.ok(client.checkPrivateKey(createPrivateKey(readFileSync(join(out, '3-client-provisioning-key.pem')))));
    assert.match(readFileSync(join(out, 'README.txt'), 'utf8'), /130 or later[\s\S]*tps\.mycompany\.com[\s\S]*\{"pull":false\}/);
    const server = new X509Certificate(readFileSync(join(caDir, 'server-cert.pem')));
    assert.equal(server.subjectAltName, 'DNS:tps.mycompany.com, IP Address:192.168.2.100');
    assert.ok(server.verify(root.publicKey));
    assert.equal((await cli(['ca', 'export', '--dir', out, ...data()])).code, 0, 'exporting again into the same folder is fine');
  });

  test('ECDSA P-256 on request keeps every PEM well under 1 KB', async () => {
    assert.equal((await cli(['ca', 'init', '--algorithm', 'ecdsa-p256', ...data()])).code, 0);
    assert.equal((await cli(['ca', 'client-cert', 'k', ...data()])).code, 0);
    const out = join(dir.path, 'out');
    assert.equal((await cli(['ca', 'export', '--dir', out, ...data()])).code, 0);
    for (const name of filesUnder(out).filter((n) => n.endsWith('.pem'))) assert.ok(statSync(join(out, name)).size < 1024, name);
    assert.match(readFileSync(join(out, '3-client-provisioning-key.pem'), 'utf8'), /BEGIN EC PRIVATE KEY/);
  });

  test('ca init a second time fails with ERR_CA_EXISTS and leaves the first CA untouched', async () => {
    assert.equal((await cli(['ca', 'init', ...data()])).code, 0);
    const rootBefore = readFileSync(join(caDir, 'root-cert.pem'), 'utf8');
    const before = filesUnder(caDir);
    const again = await cli(['ca', 'init', '--name', 'Other', ...data()]);
    assert.equal(again.code, 1);
    assert.match(again.err, /^opentps: ERR_CA_EXISTS: /);
    assert.equal(readFileSync(join(caDir, 'root-cert.pem'), 'utf8'), rootBefore);
    assert.deepEqual(filesUnder(caDir), before);
  });

  test('certificates without a CA fail with ERR_CA_MISSING and create nothing', async () => {
    for (const argv of [['ca', 'client-cert', 'kitchen-1'], ['ca', 'server-cert', 'tps.example.com'], ['ca', 'list'], ['ca', 'revoke', 'AB'], ['ca', 'export', '--dir', join(dir.path, 'x')]]) {
      const run = await cli([...argv, ...data()]);
      assert.equal(run.code, 1, argv.join(' '));
      assert.match(run.err, /ERR_CA_MISSING/, argv.join(' '));
    }
    assert.deepEqual(filesUnder(caDir), []);
  });

  test('bad names, labels, serials and arguments are refused with their codes, and nothing is issued', async () => {
    assert.equal((await cli(['ca', 'init', ...data()])).code, 0);
    const before = filesUnder(caDir);
    const cases: Array<[string[], RegExp, number]> = [
      [['ca', 'server-cert', 'https://tps.mycompany.com'], /ERR_CERT_NAMES_INVALID: .*https:\/\//, 1],
      [['ca', 'server-cert', 'tps.mycompany.com:443'], /ERR_CERT_NAMES_INVALID: .*443/, 1],
      [['ca', 'server-cert', 'tps.mycompany.com/servlet'], /ERR_CERT_NAMES_INVALID/, 1],
      [['ca', 'client-cert', '../../etc/passwd'], /ERR_CERT_LABEL_INVALID/, 1],
      [['ca', 'client-cert', 'x'.repeat(65)], /ERR_CERT_LABEL_INVALID/, 1],
      [['ca', 'revoke', 'ABCDEF0123'], /ERR_CERT_NOT_FOUND/, 1],
      [['ca', 'revoke', 'not-hex'], /ERR_CERT_NOT_FOUND/, 1],
      [['ca', 'export'], /ERR_CLI_USAGE: .*--dir/, 2],
      [['ca', 'export', '--dir', join(dir.path, 'out')], /ERR_CERT_NOT_FOUND/, 1],
      [['ca', 'init', '--algorithm', 'dsa'], /ERR_CLI_USAGE/, 2],
      [['ca', 'frobnicate'], /ERR_CLI_USAGE/, 2],
      [['ca', 'client-cert'], /ERR_CLI_USAGE/, 2],
    ];
    for (const [argv, pattern, code] of cases) {
      const run = await cli([...argv, ...data()]);
      assert.equal(run.code, code, argv.join(' '));
      assert.match(run.err, pattern, argv.join(' '));
    }
    assert.deepEqual(filesUnder(caDir), before);
    assert.deepEqual(filesUnder(join(dir.path, 'out')), [], 'a refused export writes no file');
  });

  test('a bad CA name is refused before anything is written', async () => {
    const run = await cli(['ca', 'init', '--name', 'CN=evil, O=x', ...data()]);
    assert.equal(run.code, 1);
    assert.match(run.err, /ERR_CA_NAME_INVALID/);
    assert.deepEqual(filesUnder(caDir), []);
  });

  test('revoke marks a certificate; revoking it again is ERR_CERT_ALREADY_REVOKED', async () => {
    await cli(['ca', 'init', ...data()]);
    await cli(['ca', 'client-cert', 'kitchen-1', ...data()]);
    const [issued] = (JSON.parse((await cli(['ca', 'list', '--json', ...data()])).out) as { certificates: Array<{ serial: string }> }).certificates;
    const serial = issued?.serial ?? '';
    const revoked = await cli(['ca', 'revoke', serial.toLowerCase(), ...data()]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.match((await cli(['ca', 'list', ...data()])).out, /revoked/);
    assert.match((await cli(['ca', 'revoke', serial, ...data()])).err, /ERR_CERT_ALREADY_REVOKED/);
    assert.match((await cli(['ca', 'export', '--dir', join(dir.path, 'o'), ...data()])).err, /ERR_CERT_NOT_FOUND/, 'a revoked certificate is not exported');
  });

  test('six processes issuing and revoking at once (CLI commands beside a running server): no certificate lost from the index', { timeout: 120_000 }, async () => {
    assert.equal((await cli(['ca', 'init', '--data', dir.path, '--algorithm', 'ecdsa-p256'])).code, 0);
    const first = await cli(['ca', 'client-cert', 'to-revoke', '--data', dir.path]);
    assert.equal(first.code, 0, first.err);
    const listedFirst = JSON.parse((await cli(['ca', 'list', '--json', '--data', dir.path])).out) as { certificates: Array<{ serial: string }> };
    const serial = listedFirst.certificates[0]?.serial ?? '';
    const runs = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => runCliProcess(['ca', 'client-cert', `site-${i}`, '--data', dir.path])),
      runCliProcess(['ca', 'revoke', serial, '--data', dir.path]),
    ]);
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const listed = (JSON.parse((await cli(['ca', 'list', '--json', '--data', dir.path])).out) as { certificates: Array<{ label: string; serial: string; revokedAtMs: number | null }> }).certificates;
    assert.deepEqual(listed.map((c) => c.label).sort(), ['site-0', 'site-1', 'site-2', 'site-3', 'site-4', 'to-revoke']);
    assert.notEqual(listed.find((c) => c.serial === serial)?.revokedAtMs ?? null, null, 'the revocation was kept too');
    assert.ok(!filesUnder(caDir).includes('index.lock'), 'the lock is released');
  });

  test('export refuses a folder holding other files (ERR_EXPORT_TARGET) and leaves them alone', async () => {
    await cli(['ca', 'init', ...data()]);
    await cli(['ca', 'client-cert', 'kitchen-1', ...data()]);
    const target = join(dir.path, 'documents');
    mkdirSync(target);
    writeFileSync(join(target, 'thesis.txt'), 'precious');
    const run = await cli(['ca', 'export', '--dir', target, ...data()]);
    assert.equal(run.code, 1);
    assert.match(run.err, /ERR_EXPORT_TARGET/);
    assert.deepEqual(filesUnder(target), ['thesis.txt']);
  });
});

describe('opentps endpoint check', () => {
  test('accepts the seed examples of valid endpoints', async () => {
    for (const value of ['tps.mycompany.com', '192.168.2.100']) {
      const run = await cli(['endpoint', 'check', value]);
      assert.equal(run.code, 0, value);
      assert.match(run.out, new RegExp(`^ok: enter ${value.replaceAll('.', '\\.')}`));
    }
  });

  test('refuses the seed examples of invalid endpoints with ERR_ENDPOINT_INVALID, the reason and the bare host', async () => {
    const cases: Array<[string, RegExp]> = [
      ['https://tps.mycompany.com', /remove "https:\/\/"/],
      ['tps.mycompany.com/servlet', /remove the path/],
      ['tps.mycompany.com?redirect=true', /remove the query string/],
      ['tps.mycompany.com:8443', /remove ":8443"/],
    ];
    for (const [value, reason] of cases) {
      const run = await cli(['endpoint', 'check', value]);
      assert.equal(run.code, 1, value);
      assert.match(run.err, /^opentps: ERR_ENDPOINT_INVALID: /, value);
      assert.match(run.err, reason, value);
      assert.match(run.err, /\(enter tps\.mycompany\.com\)/, value);
    }
    const tooLong = await cli(['endpoint', 'check', `${'a'.repeat(61)}.com`]);
    assert.match(tooLong.err, /65 characters; the CWM holds at most 64/);
  });
});
