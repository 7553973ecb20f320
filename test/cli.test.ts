// The `opentps` command run in-process through runCli with captured output: exit codes, the one-line
// errors, and that a refused command changes nothing in the store.

import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config/load-config.js';
import { openServices } from '../src/main.js';
import { signRequest } from '../src/protocol/request-signature.js';
import { createDeviceAppHarness, TEST_KEY } from './device-app-harness.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';
import { runCliCaptured, type CliRun } from './support/cli-run.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const GOLDEN = '{"_src":["0102030405060708"],"_cmd":"wr","_id":192,"_ts":"2019-12-26T14:40:00","_crc":"8813","_pld":{"_hbt":{"door":56}}}';
const CWM = '0002010203040506';
const OKE = '1122334455667788';

const cli = (argv: readonly string[]): Promise<CliRun> => runCliCaptured(argv);

describe('opentps okm crc', () => {
  test('prints 8813 for the vendor golden vector', async () => {
    assert.deepEqual(await cli(['okm', 'crc', GOLDEN]), { code: 0, out: ['8813'], err: [] });
  });

  test('prints 8813 for the golden vector with its _crc zeroed, so an operator can seal a hand-written OKM', async () => {
    assert.deepEqual(await cli(['okm', 'crc', GOLDEN.replace('"8813"', '"0000"')]), { code: 0, out: ['8813'], err: [] });
  });

  test('prints the same CRC whatever wrong value _crc holds, in upper case', async () => {
    assert.deepEqual((await cli(['okm', 'crc', GOLDEN.replace('"8813"', '"abcd"')])).out, ['8813']);
  });

  test('refuses text that is not JSON with exit 2 ERR_CLI_USAGE', async () => {
    const run = await cli(['okm', 'crc', '{"_crc":']);
    assert.equal(run.code, 2);
    assert.deepEqual(run.out, []);
    assert.equal(run.err.length, 1);
    assert.match(run.err[0] ?? '', /ERR_CLI_USAGE/);
  });
});

describe('opentps with a data directory', () => {
  let dir: TempDataDir;
  beforeEach(() => {
    dir = createTempDataDir();
  });
  afterEach(() => dir.remove());

  const withData = (argv: readonly string[]): Promise<CliRun> => cli([...argv, '--data', dir.path]);
  const send = (cwmId: string, dst: string, cmd: string, pld: string, extra: readonly string[] = []): Promise<CliRun> =>
    withData(['send', cwmId, '--dst', dst, '--cmd', cmd, '--pld', pld, ...extra]);
  const messagesJson = async (cwmId: string): Promise<Array<{ id: number; okmId: number; state: string }>> => {
    const run = await withData(['messages', cwmId, '--json']);
    assert.equal(run.code, 0, run.err.join('\n'));
    const value: unknown = JSON.parse(run.out.join('\n'));
    assert.ok(Array.isArray(value));
    return value.map((m: { id: number; okmId: number; state: string }) => ({ id: m.id, okmId: m.okmId, state: m.state }));
  };

  /** A refused command: the exit code, no output, exactly one line on err naming the code. */
  const assertOneLineError = (run: CliRun, exitCode: number, code: string): void => {
    assert.equal(run.code, exitCode, run.err.join('\n'));
    assert.deepEqual(run.out, []);
    assert.equal(run.err.length, 1, run.err.join('\n'));
    assert.match(run.err[0] ?? '', new RegExp(`^opentps: ${code}: `));
  };

  describe('device add and device list', () => {
    test('device add prints a fresh 32-hex-digit key on stdout only, and the key verifies the device requests', async () => {
      const run = await withData(['device', 'add', CWM, '--name', 'Fryer 1']);
      assert.equal(run.code, 0);
      assert.equal(run.out.length, 1);
      const key = run.out[0] ?? '';
      assert.match(key, /^[0-9a-f]{32}$/);
      assert.ok(!run.err.join('\n').includes(key), 'the key goes to stdout only');
      const services = await openServices(loadConfig({ data: dir.path }, {}));
      try {
        assert.equal((await services.store.findDevice(CWM))?.key, key);
      } finally {
        await services.store.close();
      }
    });

    test('two devices get different keys', async () => {
      const first = await withData(['device', 'add', 'CWM-A']);
      const second = await withData(['device', 'add', 'CWM-B']);
      assert.notEqual(first.out[0], second.out[0]);
    });

    test('device add --key keeps the key given', async () => {
      assert.deepEqual((await withData(['device', 'add', CWM, '--key', TEST_KEY])).out, [TEST_KEY]);
    });

    test('adding the same id twice exits 1 with ERR_DEVICE_EXISTS and keeps the first key', async () => {
      const first = await withData(['device', 'add', CWM]);
      assertOneLineError(await withData(['device', 'add', CWM]), 1, 'ERR_DEVICE_EXISTS');
      const listed = await withData(['device', 'list', '--json']);
      assert.equal(listed.out.length, 1);
      const services = await openServices(loadConfig({ data: dir.path }, {}));
      try {
        assert.equal((await services.store.findDevice(CWM))?.key, first.out[0]);
      } finally {
        await services.store.close();
      }
    });

    test('an invalid device id exits 1 with ERR_DEVICE_ID_INVALID and registers nothing', async () => {
      for (const id of ['has space', 'quote"d', 'x'.repeat(65), '']) {
        assertOneLineError(await withData(['device', 'add', id]), 1, 'ERR_DEVICE_ID_INVALID');
      }
      assert.deepEqual((await withData(['device', 'list', '--json'])).out, ['[]']);
    });

    test('a too-short key exits 1 with ERR_DEVICE_KEY_INVALID', async () => {
      assertOneLineError(await withData(['device', 'add', CWM, '--key', 'short']), 1, 'ERR_DEVICE_KEY_INVALID');
    });

    test('device list shows each device with its name and status, and --json never shows keys', async () => {
      await withData(['device', 'add', CWM, '--name', 'Fryer 1', '--key', TEST_KEY]);
      const table = await withData(['device', 'list']);
      assert.equal(table.code, 0);
      assert.match(table.out[0] ?? '', /^ID\s+NAME\s+LAST SEEN\s+QUEUED\s+OKMS\s+CRC FAILURES\s+STATUS$/);
      assert.match(table.out[1] ?? '', new RegExp(`^${CWM}\\s+Fryer 1\\s+-\\s+0\\s+0\\s+0\\s+registered$`));
      const json = await withData(['device', 'list', '--json']);
      assert.ok(!json.out.join('\n').includes(TEST_KEY));
      const devices: unknown = JSON.parse(json.out.join('\n'));
      assert.ok(Array.isArray(devices));
      assert.equal(devices.length, 1);
      assert.equal((devices[0] as Record<string, unknown>)['id'], CWM);
      assert.equal('key' in (devices[0] as Record<string, unknown>), false);
    });
  });

  describe('send and messages', () => {
    beforeEach(async () => {
      assert.equal((await withData(['device', 'add', CWM, '--key', TEST_KEY])).code, 0);
    });

    test('send queues the message and prints its queue id and _id', async () => {
      const run = await send(CWM, `["${OKE}","${CWM}"]`, 'wr', '{"cmd":{"relay":1}}');
      assert.equal(run.code, 0, run.err.join('\n'));
      assert.equal(run.out.length, 1);
      assert.match(run.out[0] ?? '', new RegExp(`^queued message 1 with _id 1 for ${CWM} \\(expires \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\)$`));
      const second = await send(CWM, `["${CWM}"]`, 'rd', '{"_ping":true}', ['--json']);
      assert.deepEqual(JSON.parse(second.out.join('\n')), { id: 2, okmId: 2, cwmId: CWM, state: 'queued' });
      assert.deepEqual(await messagesJson(CWM), [
        { id: 1, okmId: 1, state: 'queued' },
        { id: 2, okmId: 2, state: 'queued' },
      ]);
    });

    const refusals: Array<{ name: string; argv: () => Promise<CliRun>; exitCode: number; code: string }> = [
      { name: 'invalid JSON in --dst', argv: () => send(CWM, '[CWM', 'wr', '{}'), exitCode: 1, code: 'ERR_MESSAGE_JSON_INVALID' },
      { name: 'invalid JSON in --pld', argv: () => send(CWM, `["${CWM}"]`, 'wr', '{relay:1}'), exitCode: 1, code: 'ERR_MESSAGE_JSON_INVALID' },
      { name: 'a _pld that is an array', argv: () => send(CWM, `["${CWM}"]`, 'wr', '[1]'), exitCode: 1, code: 'ERR_MESSAGE_PLD_INVALID' },
      { name: 'a _pld that is a string', argv: () => send(CWM, `["${CWM}"]`, 'wr', '"relay"'), exitCode: 1, code: 'ERR_MESSAGE_PLD_INVALID' },
      { name: 'an empty _dst', argv: () => send(CWM, '[]', 'wr', '{}'), exitCode: 1, code: 'ERR_MESSAGE_DST_INVALID' },
      { name: 'a _dst that is not an array', argv: () => send(CWM, `"${CWM}"`, 'wr', '{}'), exitCode: 1, code: 'ERR_MESSAGE_DST_INVALID' },
      { name: 'a _dst holding a number', argv: () => send(CWM, `[1,"${CWM}"]`, 'wr', '{}'), exitCode: 1, code: 'ERR_MESSAGE_DST_INVALID' },
      { name: 'a _dst naming another CWM last', argv: () => send(CWM, `["${CWM}","OTHER"]`, 'wr', '{}'), exitCode: 1, code: 'ERR_MESSAGE_DST_INVALID' },
      { name: 'an unknown CWM', argv: () => send('GHOSTCWM', '["GHOSTCWM"]', 'wr', '{}'), exitCode: 1, code: 'ERR_DEVICE_NOT_FOUND' },
      { name: 'a --cmd other than wr or rd', argv: () => send(CWM, `["${CWM}"]`, 'write', '{}'), exitCode: 1, code: 'ERR_MESSAGE_CMD_INVALID' },
      { name: 'a --ttl that is not a number', argv: () => send(CWM, `["${CWM}"]`, 'wr', '{}', ['--ttl', 'soon']), exitCode: 1, code: 'ERR_MESSAGE_TTL_INVALID' },
      { name: 'a --ttl of 0', argv: () => send(CWM, `["${CWM}"]`, 'wr', '{}', ['--ttl', '0']), exitCode: 1, code: 'ERR_MESSAGE_TTL_INVALID' },
      { name: 'a fractional --ttl', argv: () => send(CWM, `["${CWM}"]`, 'wr', '{}', ['--ttl', '1.5']), exitCode: 1, code: 'ERR_MESSAGE_TTL_INVALID' },
      { name: 'a --ttl over a year', argv: () => send(CWM, `["${CWM}"]`, 'wr', '{}', ['--ttl', '31536001']), exitCode: 1, code: 'ERR_MESSAGE_TTL_INVALID' },
      { name: 'a missing --cmd', argv: () => withData(['send', CWM, '--dst', `["${CWM}"]`, '--pld', '{}']), exitCode: 2, code: 'ERR_CLI_USAGE' },
      { name: 'a --pld naming a member twice', argv: () => send(CWM, `["${CWM}"]`, 'wr', '{"cmd":{"relay":1,"relay":0}}'), exitCode: 1, code: 'ERR_JSON_DUPLICATE_KEY' },
      { name: 'a --pld naming a member twice, once escaped', argv: () => send(CWM, `["${CWM}"]`, 'wr', '{"_ping":true,"\\u005fping":false}'), exitCode: 1, code: 'ERR_JSON_DUPLICATE_KEY' },
    ];
    for (const refusal of refusals) {
      test(`send with ${refusal.name} exits ${refusal.exitCode} with one ${refusal.code} line and queues nothing`, async () => {
        assert.equal((await send(CWM, `["${CWM}"]`, 'wr', '{"before":true}')).code, 0);
        assertOneLineError(await refusal.argv(), refusal.exitCode, refusal.code);
        assert.deepEqual(await messagesJson(CWM), [{ id: 1, okmId: 1, state: 'queued' }]);
      });
    }

    test('with --max-queued 2 the third send exits 1 with ERR_QUEUE_FULL and queues nothing', async () => {
      for (let i = 0; i < 2; i++) assert.equal((await send(CWM, `["${CWM}"]`, 'wr', `{"n":${i}}`, ['--max-queued', '2'])).code, 0);
      assertOneLineError(await send(CWM, `["${CWM}"]`, 'wr', '{"n":2}', ['--max-queued', '2']), 1, 'ERR_QUEUE_FULL');
      assert.equal((await messagesJson(CWM)).length, 2);
    });

    test('messages lists every message with its state, oldest first', async () => {
      for (let i = 0; i < 3; i++) await send(CWM, `["${OKE}","${CWM}"]`, 'wr', `{"n":${i}}`);
      const services = await openServices(loadConfig({ data: dir.path }, {}));
      try {
        const nowMs = services.clock.nowMs();
        const leased = await services.store.leaseNextMessage(CWM, nowMs, nowMs + 30_000);
        assert.ok(leased);
        await services.store.confirmDelivery(leased.message.id, nowMs);
        await services.queue.cancelMessage(3);
      } finally {
        await services.store.close();
      }
      const run = await withData(['messages', CWM]);
      assert.equal(run.code, 0);
      assert.match(run.out[0] ?? '', /^ID\s+_ID\s+STATE\s+CMD\s+DST\s+PLD\s+CREATED\s+DELIVERED\s+DELIVERIES\s+RESULT$/);
      assert.deepEqual(
        run.out.slice(1).map((line) => line.split(/\s+/).slice(0, 6)),
        [
          ['1', '1', 'delivered', 'wr', `["${OKE}","${CWM}"]`, '{"n":0}'],
          ['2', '2', 'queued', 'wr', `["${OKE}","${CWM}"]`, '{"n":1}'],
          ['3', '3', 'cancelled', 'wr', `["${OKE}","${CWM}"]`, '{"n":2}'],
        ],
      );
    });

    test('messages for an unknown CWM exits 1 with ERR_DEVICE_NOT_FOUND', async () => {
      assertOneLineError(await withData(['messages', 'GHOSTCWM']), 1, 'ERR_DEVICE_NOT_FOUND');
    });
  });

  describe('usage and configuration errors', () => {
    test('an unknown flag exits 2 with ERR_CLI_USAGE naming the flag', async () => {
      const run = await withData(['device', 'list', '--bogus']);
      assert.equal(run.code, 2);
      assert.deepEqual(run.out, []);
      assert.ok(run.err.length >= 1);
      assert.ok(run.err.every((line) => line.startsWith('opentps: ERR_CLI_USAGE: ')));
      assert.match(run.err.join('\n'), /--bogus/);
    });

    test('an unknown command exits 2 and prints the usage on err', async () => {
      const run = await cli(['frobnicate']);
      assert.equal(run.code, 2);
      assert.match(run.err[0] ?? '', /unknown command "frobnicate"/);
      assert.ok(run.err.some((line) => line.startsWith('usage: opentps')));
    });

    test('no command exits 2 with the usage; help exits 0 with the usage on out', async () => {
      assert.equal((await cli([])).code, 2);
      const help = await cli(['help']);
      assert.equal(help.code, 0);
      assert.match(help.out[0] ?? '', /^usage: opentps/);
    });

    test('a bad config value (--port abc) exits 2 with one line naming --port, what was expected and what was received', async () => {
      const run = await withData(['device', 'list', '--port', 'abc']);
      assert.equal(run.code, 2);
      assert.deepEqual(run.out, []);
      assert.deepEqual(run.err, ['opentps: ERR_CONFIG_INVALID: the configuration is invalid: --port: expected an integer from 0 to 65535, received "abc"']);
    });

    test('two bad config values give one line each', async () => {
      const run = await withData(['device', 'list', '--port', '70000', '--auth', 'none']);
      assert.equal(run.code, 2);
      assert.equal(run.err.length, 2);
      assert.ok(run.err.some((line) => /--port: expected .*, received "70000"/.test(line)));
      assert.ok(run.err.some((line) => /--auth: expected one of hmac, open, received "none"/.test(line)));
    });

    test('a bad value from the environment is named by its variable', async () => {
      const { code, err } = await runCliCaptured(['device', 'list', '--data', dir.path], { OPENTPS_MAX_QUEUED: '0' });
      assert.equal(code, 2);
      assert.match(err.join('\n'), /OPENTPS_MAX_QUEUED: expected an integer from 1 to 100000, received "0"/);
    });

    test('--limit for traffic must be a positive whole number', async () => {
      assertOneLineError(await withData(['traffic', '--limit', '0']), 2, 'ERR_CLI_USAGE');
      assertOneLineError(await withData(['traffic', '--limit', 'ten']), 2, 'ERR_CLI_USAGE');
    });
  });
});

describe('opentps device add on a device discovered in open mode', () => {
  test('gives the discovered CWM a key, after which its pushes verify in hmac mode', async () => {
    const open = await createDeviceAppHarness({ auth: 'open' });
    try {
      await open.deviceApp.app.inject({ method: 'POST', url: signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: 'NEWCWM', id: 1 }))) });
      await open.settle();
      assert.equal((await open.services.store.findDevice('NEWCWM'))?.key, null);
      const run = await cli(['device', 'add', 'NEWCWM', '--key', TEST_KEY, '--data', open.dataDir.path]);
      assert.deepEqual([run.code, run.out], [0, [TEST_KEY]]);
      assert.equal((await open.services.store.findDevice('NEWCWM'))?.key, TEST_KEY);
      assertOneLineErrorOf(await cli(['device', 'add', 'NEWCWM', '--data', open.dataDir.path]), 'ERR_DEVICE_EXISTS');
    } finally {
      await open.close();
    }
  });
});

function assertOneLineErrorOf(run: CliRun, code: string): void {
  assert.equal(run.code, 1);
  assert.equal(run.err.length, 1);
  assert.match(run.err[0] ?? '', new RegExp(`^opentps: ${code}: `));
}

describe('opentps traffic', () => {
  test('prints recorded requests newest last, with verdicts, and never a sha256hmac value', async () => {
    const h = await createDeviceAppHarness();
    try {
      await h.addDevice(CWM);
      const pushReq = pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 1 }));
      const pullReq = pullReqText(CWM);
      const signatures = [signRequest(pushReq, TEST_KEY), signRequest(pullReq, TEST_KEY)];
      const app = h.deviceApp.app;
      assert.equal((await app.inject({ method: 'POST', url: signedPath('/push', pushReq, TEST_KEY) })).statusCode, 200);
      // The same push as a form body, and with the parameter name itself percent-encoded: still a signature.
      await app.inject({
        method: 'POST',
        url: '/push',
        payload: `req=${encodeURIComponent(pushReq)}&sha256hmac=${signatures[0]}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await app.inject({ method: 'POST', url: `/push?sha256%68mac=${signatures[0]}&req=${encodeURIComponent(pushReq)}` });
      await app.inject({ method: 'GET', url: `/pull?SHA256HMAC=${signatures[1]}&req=${encodeURIComponent(pullReq)}` });
      assert.equal((await app.inject({ method: 'GET', url: signedPath('/pull', pullReq, TEST_KEY) })).statusCode, 200);
      await h.settle();

      const run = await cli(['traffic', CWM, '--data', h.dataDir.path]);
      assert.equal(run.code, 0, run.err.join('\n'));
      const requestLines = run.out.filter((line) => !line.startsWith('    body: '));
      assert.equal(requestLines.length, 5);
      assert.match(requestLines[0] ?? '', /POST \/push\?sha256hmac=\[redacted\]&req=.* -> 200 \{"push":true,"pull":false\} \[hmac valid, crc valid, /);
      assert.match(requestLines[4] ?? '', /GET \/pull\?sha256hmac=\[redacted\]&req=.* -> 200 \{"pull":false\} \[hmac valid, crc -, /);
      const json = await cli(['traffic', '--json', '--data', h.dataDir.path]);
      assert.equal(json.out.length, 5);
      for (const output of [run.out.join('\n'), json.out.join('\n')]) {
        for (const signature of signatures) assert.ok(!output.includes(signature), `signature ${signature} printed:\n${output}`);
      }
    } finally {
      await h.close();
    }
  });

  test('traffic unknown lists the requests of unknown senders with the id they claimed', async () => {
    const h = await createDeviceAppHarness();
    try {
      await h.deviceApp.app.inject({ method: 'GET', url: signedPath('/pull', pullReqText('GHOSTCWM'), TEST_KEY) });
      await h.deviceApp.app.inject({ method: 'POST', url: '/foo/bar', payload: 'x=1', headers: { 'content-type': 'text/plain' } });
      await h.settle();
      const run = await cli(['traffic', 'unknown', '--data', h.dataDir.path]);
      assert.equal(run.code, 0);
      assert.match(run.out[0] ?? '', / unknown\(GHOSTCWM\) GET \/pull\?sha256hmac=\[redacted\]&req=.* -> 401 .*ERR_DEVICE_UNKNOWN/);
      assert.match(run.out[1] ?? '', / unknown\(-\) POST \/foo\/bar -> 404 .*ERR_ROUTE_NOT_FOUND/);
      assert.equal(run.out[2], '    body: x=1');
    } finally {
      await h.close();
    }
  });
});
