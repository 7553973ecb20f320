// `opentps <command> [<subcommand>] --help` for every entry of the CLI's own command table (a command added
// without usage fails here), okm crc with --data like every command, and the usage errors next to them.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMMANDS } from '../src/cli/opentps.js';
import { SETTINGS } from '../src/config/config-schema.js';
import { runCliCaptured, type CliRun } from './support/cli-run.js';

const GOLDEN = '{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_ts":"2019-12-26T14:40:00","_crc":"8813","_pld":{"_hbt":{"door":56}}}';

const cli = (argv: readonly string[]): Promise<CliRun> => runCliCaptured(argv);

describe('--help', () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    test(`opentps ${name} --help prints its usage on stdout and exits 0`, async () => {
      const run = await cli([name, '--help']);
      assert.deepEqual({ code: run.code, err: run.err }, { code: 0, err: [] });
      assert.match(run.out[0] ?? '', new RegExp(`^usage: opentps ${name}\\b`));
      assert.ok(run.out.length >= command.usage.length);
      assert.deepEqual(await cli([name, '-h']), run, '-h is --help');
      assert.deepEqual(await cli(['help', name]), run, 'opentps help <command> is the same');
    });

    for (const sub of command.subcommands ?? []) {
      test(`opentps ${name} ${sub} --help prints the usage of that subcommand only and exits 0`, async () => {
        const run = await cli([name, sub, '--help']);
        assert.deepEqual({ code: run.code, err: run.err }, { code: 0, err: [] });
        const forms = run.out.filter((line) => line.startsWith('usage: opentps ') || line.startsWith('       opentps '));
        assert.ok(forms.length >= 1, `a usage line for ${name} ${sub}`);
        for (const form of forms) assert.match(form, new RegExp(`opentps ${name} ${sub}(?: |$)`));
      });
    }
  }

  test('--help wins over the other arguments, even invalid ones, and opens no data directory', async () => {
    const run = await cli(['device', 'add', 'not-an-id', '--port', 'abc', '--help', '--data', '/nonexistent/opentps']);
    assert.equal(run.code, 0);
    assert.match(run.out[0] ?? '', /^usage: opentps device add /);
  });

  test('serve --help lists every configuration option with its environment variable', async () => {
    const text = (await cli(['serve', '--help'])).out.join('\n');
    for (const setting of SETTINGS) {
      assert.match(text, new RegExp(`--${setting.flag}\\b.*\\(${setting.env}; default `), setting.flag);
    }
  });

  test('the other commands point to serve --help for the configuration options', async () => {
    assert.match((await cli(['backup', '--help'])).out.join('\n'), /opentps serve --help lists them/);
  });

  test('opentps help lists every command of the table; opentps help <unknown> exits 2', async () => {
    const run = await cli(['help']);
    assert.equal(run.code, 0);
    for (const name of Object.keys(COMMANDS)) assert.ok(run.out.some((line) => line.startsWith(`  ${name}`)), name);
    const unknown = await cli(['help', 'frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err[0] ?? '', /unknown command "frobnicate"/);
  });

  test('--version prints the version of package.json', async () => {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.ok(typeof pkg === 'object' && pkg !== null && 'version' in pkg);
    assert.deepEqual(await cli(['--version']), { code: 0, out: [String(pkg.version)], err: [] });
  });

  test('a --help after the -- terminator is an argument, not a request for help', async () => {
    const run = await cli(['okm', 'crc', '--', '--help']);
    assert.equal(run.code, 2);
    assert.match(run.err[0] ?? '', /ERR_CLI_USAGE: .*the OKM text is not valid JSON/);
  });
});

describe('okm crc takes the configuration options like every command', () => {
  test('okm crc TEXT --data DIR prints the CRC and exits 0', async () => {
    assert.deepEqual(await cli(['okm', 'crc', GOLDEN, '--data', '/nonexistent/opentps']), { code: 0, out: ['8813'], err: [] });
  });

  test('the options may come before the text', async () => {
    assert.deepEqual(await cli(['okm', 'crc', '--data', '/nonexistent/opentps', GOLDEN]), { code: 0, out: ['8813'], err: [] });
  });

  test('two texts exit 2 asking to quote the OKM text as one argument', async () => {
    const run = await cli(['okm', 'crc', '{"a":1}', '{"b":2}']);
    assert.equal(run.code, 2);
    assert.deepEqual(run.out, []);
    assert.equal(run.err.length, 1);
    assert.match(run.err[0] ?? '', /^opentps: ERR_CLI_USAGE: .*quote the OKM text as one argument \(see opentps okm crc --help\)$/);
  });

  test('no text exits 2 naming what is missing', async () => {
    const run = await cli(['okm', 'crc', '--data', '/tmp']);
    assert.equal(run.code, 2);
    assert.match(run.err[0] ?? '', /okm crc needs the OKM text/);
  });
});

describe('usage errors', () => {
  test('an unknown option exits 2 with one line naming the option and where the usage is', async () => {
    const run = await cli(['serve', '--bogus']);
    assert.equal(run.code, 2);
    assert.deepEqual(run.out, []);
    assert.equal(run.err.length, 1);
    assert.match(run.err[0] ?? '', /^opentps: ERR_CLI_USAGE: .*Unknown option '--bogus'.*\(see opentps serve --help\)$/);
  });

  test('an unknown option of a subcommand points to the subcommand help', async () => {
    const run = await cli(['ca', 'list', '--bogus']);
    assert.equal(run.code, 2);
    assert.match(run.err[0] ?? '', /\(see opentps ca list --help\)$/);
  });

  test('an unknown subcommand exits 2 naming the ones there are', async () => {
    const run = await cli(['okm', 'sum', GOLDEN]);
    assert.equal(run.code, 2);
    assert.match(run.err[0] ?? '', /okm takes "crc", got "sum" \(see opentps okm --help\)/);
  });
});
