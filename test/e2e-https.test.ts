// End to end over real HTTPS with the self-signed certificate: an operator registers a CWM and
// queues a message with the CLI while the server runs; a scripted CWM pushes, pulls and answers.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyOkmCrc } from '../src/protocol/okm-crc.js';
import { createDeviceHttpClient, type DeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pullReqText, pushReqText, signedPath } from './support/device-requests.js';
import { runCliProcess, startServerProcess, type ServerProcess } from './support/server-process.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';

const CWM = '0002010203040506';
const OKE = '1122334455667788';

let dir: TempDataDir;
let server: ServerProcess;
let client: DeviceHttpClient;
let key: string;

before(async () => {
  dir = createTempDataDir();
  const added = await runCliProcess(['device', 'add', CWM, '--name', 'Test fryer', '--data', dir.path]);
  assert.equal(added.code, 0, added.stderr);
  key = added.stdout.trim();
  server = await startServerProcess(dir.path);
  client = createDeviceHttpClient(server.url, server.ca);
});

after(async () => {
  client?.close();
  await server?.stop();
  dir?.remove();
});

test('the server listens with HTTPS on a self-signed certificate that verifies against the generated CA file', async () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const response = await client.send('GET', '/pull');
  assert.equal(response.status, 200);
  assert.equal(response.body, '{"pull":false}');
});

test('a CWM pushes, is told to pull after an operator queues a message, pulls it and answers it', async () => {
  const heartbeat = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 1, payload: { _hbt: { temp: 181, door: 0 } } });
  const first = await client.send('POST', signedPath('/push', pushReqText(heartbeat), key));
  assert.equal(first.status, 200);
  assert.equal(first.body, '{"push":true,"pull":false}');
  assert.match(String(first.headers['content-type']), /^application\/json/);

  const sent = await runCliProcess(['send', CWM, '--dst', JSON.stringify([OKE, CWM]), '--cmd', 'rd', '--pld', '{"_ping":true}', '--data', dir.path]);
  assert.equal(sent.code, 0, sent.stderr);
  const match = /queued message (\d+) with _id (\d+)/.exec(sent.stdout);
  assert.ok(match, sent.stdout);
  const okmId = Number(match[2]);

  const second = await client.send('POST', signedPath('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 2 })), key));
  assert.equal(second.body, '{"push":true,"pull":true}');

  const pulled = await client.send('GET', signedPath('/pull', pullReqText(CWM), key));
  assert.equal(pulled.status, 200);
  const okmText = /^\{"okm":(.*),"pull":false\}$/.exec(pulled.body)?.[1];
  assert.ok(okmText, pulled.body);
  assert.equal(verifyOkmCrc(okmText).verdict, 'valid');
  const okm: unknown = JSON.parse(okmText);
  assert.deepEqual(okm, { ...(okm as object), _dst: [OKE, CWM], _cmd: 'rd', _id: okmId, _pld: { _ping: true } });
  assert.deepEqual(Object.keys(okm as object), ['_dst', '_cmd', '_id', '_ts', '_crc', '_pld']);

  const empty = await client.send('GET', signedPath('/pull', pullReqText(CWM), key));
  assert.equal(empty.body, '{"pull":false}');

  const answer = buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: okmId, payload: { _ping: true, uptime: 42 } });
  const answered = await client.send('POST', signedPath('/push', pushReqText(answer), key));
  assert.equal(answered.body, '{"push":true,"pull":false}');

  const listed = await runCliProcess(['messages', CWM, '--json', '--data', dir.path]);
  assert.equal(listed.code, 0, listed.stderr);
  const messages = JSON.parse(listed.stdout) as Array<{ state: string; okmId: number; result: unknown; deliveryCount: number }>;
  assert.equal(messages.length, 1);
  assert.equal(messages[0]?.state, 'answered');
  assert.equal(messages[0]?.okmId, okmId);
  assert.deepEqual(messages[0]?.result, { _ping: true, uptime: 42 });
  assert.equal(messages[0]?.deliveryCount, 1);
});

test('the CLI shows the devices and the recorded traffic of a running server without exposing signatures', async () => {
  const devices = await runCliProcess(['device', 'list', '--data', dir.path]);
  assert.equal(devices.code, 0);
  assert.match(devices.stdout, new RegExp(`${CWM}\\s+Test fryer`));
  const traffic = await runCliProcess(['traffic', CWM, '--data', dir.path]);
  assert.equal(traffic.code, 0, traffic.stderr);
  assert.match(traffic.stdout, /POST \/push\?sha256hmac=\[redacted\]&req=/);
  assert.match(traffic.stdout, /GET \/pull\?sha256hmac=\[redacted\]/);
  assert.doesNotMatch(traffic.stdout, /sha256hmac=[0-9a-f]{64}/);
});

test('SIGTERM stops the server gracefully with exit code 0', async () => {
  const code = await server.stop('SIGTERM');
  assert.equal(code, 0);
  assert.ok(server.logLines.some((line) => line.includes('"msg":"stopped"')));
});

test('with --cert and --key the server presents the operator certificate', async () => {
  const { generateSelfSignedCertificate } = await import('../src/adapters/tls/self-signed-certificate.js');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const own = createTempDataDir();
  try {
    const { certPem, keyPem } = await generateSelfSignedCertificate(['localhost', '127.0.0.1']);
    writeFileSync(join(own.path, 'cert.pem'), certPem);
    writeFileSync(join(own.path, 'key.pem'), keyPem, { mode: 0o600 });
    const operatorServer = await startServerProcess(own.path, ['--cert', join(own.path, 'cert.pem'), '--key', join(own.path, 'key.pem')]);
    const operatorClient = createDeviceHttpClient(operatorServer.url, certPem);
    try {
      assert.equal((await operatorClient.send('GET', '/pull')).body, '{"pull":false}');
      // The generated certificate of the other server is not trusted here: the operator's one is in use.
      const strangerClient = createDeviceHttpClient(operatorServer.url, server.ca);
      await assert.rejects(strangerClient.send('GET', '/pull'), /self-signed|certificate/i);
      strangerClient.close();
    } finally {
      operatorClient.close();
      await operatorServer.stop();
    }
  } finally {
    own.remove();
  }
});
