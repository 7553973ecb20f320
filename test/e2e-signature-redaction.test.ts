// No signature a device sent ever leaves the server: a real server process gets signed requests of every
// kind (push in the query and in a form body, pulls taken and replayed, /time, /provision, a file download,
// an unknown path, a signature copied into a Referer header and into a JSON body, odd spellings of the
// parameter name), then every API answer an operator can get (each GET route, the SSE stream, CSV and NDJSON
// exports), the CLI's traffic listing and the server's log are searched for each signature, in either case.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { signRequest } from '../src/protocol/request-signature.js';
import { createDeviceHttpClient } from './support/device-http-client.js';
import { buildUpstreamOkm, pullReqText, pushReqText } from './support/device-requests.js';
import { runCliProcess, startServerProcess } from './support/server-process.js';
import { createTempDataDir } from './support/temp-data-dir.js';

const CWM = '0002000000000015';
const OKE = '0363000000000015';

test('no API answer, SSE event, CLI listing or log line carries a signature a device sent', { timeout: 120_000 }, async () => {
  const dir = createTempDataDir();
  try {
    const firmware = join(dir.path, 'fw.bin');
    writeFileSync(firmware, Buffer.alloc(10_000, 7));
    assert.equal((await runCliProcess(['file', 'add', firmware, '--data', dir.path])).code, 0);
    const added = await runCliProcess(['device', 'add', CWM, '--data', dir.path]);
    assert.equal(added.code, 0, added.stderr);
    const key = added.stdout.trim();
    const server = await startServerProcess(dir.path, ['--http', '--log-level', 'debug'], { OPENTPS_ADMIN_PASSWORD: 'redaction test password' });
    const token = await runCliProcess(['token', 'create', 'admin', '--data', dir.path]);
    const authorization = `Bearer ${token.stdout.trim()}`;
    const client = createDeviceHttpClient(server.url, null);
    const signatures: string[] = [];
    const sign = (reqText: string): string => {
      const signature = signRequest(reqText, key);
      signatures.push(signature);
      return signature;
    };
    const query = (path: string, reqText: string, name = 'sha256hmac'): string => `${path}?${name}=${sign(reqText)}&req=${encodeURIComponent(reqText)}`;

    // The live stream is open while the devices talk.
    let sse = '';
    const target = new URL(server.url);
    const stream = httpRequest({ host: target.hostname, port: target.port, path: '/api/v1/events', headers: { authorization } });
    stream.on('response', (response) => response.on('data', (chunk: Buffer) => (sse += chunk.toString())));
    stream.end();
    try {
      const api = async (path: string): Promise<string> => {
        const response = await client.send('GET', path, { headers: { authorization } });
        assert.ok(response.status < 500, `${path}: ${response.status}`);
        return `${path} ${response.status} ${JSON.stringify(response.headers)} ${response.body}`;
      };
      const queued = await client.send('POST', `/api/v1/devices/${CWM}/messages`, {
        body: JSON.stringify({ destination: [OKE, CWM], cmd: 'rd', payload: { _ping: true } }), contentType: 'application/json', headers: { authorization },
      });
      assert.equal(queued.status, 201, queued.body);
      const okmId = (JSON.parse(queued.body) as { okmId: number }).okmId;

      const heartbeat = pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 1 }));
      assert.equal((await client.send('POST', query('/push', heartbeat))).status, 200);
      const formReq = pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: 2 }));
      assert.equal((await client.send('POST', '/push', { body: `sha256hmac=${sign(formReq)}&req=${encodeURIComponent(formReq)}` })).status, 200);
      const pull = query('/pull', pullReqText(CWM));
      assert.match((await client.send('GET', pull)).body, /^\{"okm":/);
      assert.equal((await client.send('GET', pull)).status, 503, 'the replay is refused');
      const answer = pushReqText(buildUpstreamOkm({ cwmId: CWM, okeId: OKE, id: okmId, payload: { _ping: { ok: true } } }));
      assert.equal((await client.send('POST', query('/push', answer, 'sha256%68mac'))).status, 200);
      assert.equal((await client.send('POST', query('/push', pushReqText(buildUpstreamOkm({ cwmId: CWM, id: 3 })).replace('"ts"', '"gwmac":"00:11:22:33:44:55","ts"')))).status, 200);
      await client.send('POST', query('/push', heartbeat).replace(/sha256hmac=[0-9a-f]{4}/, 'sha256hmac=ffff'));
      await client.send('GET', query('/time', pullReqText(CWM)));
      await client.send('GET', query('/provision', pullReqText(CWM)));
      await client.send('POST', '/provision', { body: JSON.stringify({ sha256hmac: sign('{"devid":"x"}'), devid: CWM }), contentType: 'application/json' });
      await client.send('GET', query('/files/fw.bin', JSON.stringify({ devid: CWM, file: 'fw.bin', ts: '2026-11-24T12:00:09' })), { headers: { range: 'bytes=0-99' } });
      await client.send('GET', query('/no/such/path', pullReqText(CWM)), { headers: { referer: `https://tps.example${query('/pull', pullReqText(CWM))}` } });
      const upperReq = pullReqText(CWM);
      await client.send('GET', `/pull?sha256hmac=${sign(upperReq).toUpperCase()}&req=${encodeURIComponent(upperReq)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));

      const answers: string[] = [];
      for (const path of [
        '/api/v1/traffic?limit=5000', `/api/v1/traffic?device=${CWM}`, '/api/v1/traffic?device=unknown', '/api/v1/devices', `/api/v1/devices/${CWM}`,
        `/api/v1/devices/${CWM}/messages`, `/api/v1/messages/${okmId}`, `/api/v1/devices/${CWM}/okms?format=csv&from=2000-01-01T00:00:00Z`,
        `/api/v1/devices/${CWM}/okms?format=ndjson&from=2000-01-01T00:00:00Z`, `/api/v1/devices/${CWM}/fields`, `/api/v1/devices/${CWM}/telemetry?field=temp&origin=${OKE}`,
        '/api/v1/fleet', '/api/v1/files', '/api/v1/files/fw.bin', '/api/v1/files/fw.bin/transfers', `/api/v1/devices/${CWM}/transfers`, '/api/v1/ca', '/api/v1/session',
      ]) answers.push(await api(path));
      const traffic = JSON.parse((await client.send('GET', '/api/v1/traffic?limit=5000', { headers: { authorization } })).body) as { items: Array<{ url: string }> };
      assert.ok(traffic.items.length >= 12, 'the traffic holds the requests');
      assert.ok(traffic.items.some((item) => item.url.includes('sha256hmac=[redacted]')), 'and shows where the signature was');
      for (const args of [['traffic'], ['traffic', CWM, '--json'], ['traffic', 'unknown', '--json']]) {
        const listed = await runCliProcess([...args, '--data', dir.path]);
        assert.equal(listed.code, 0, listed.stderr);
        answers.push(listed.stdout);
      }
      answers.push(sse, server.logLines.join('\n'), server.stderr());

      const everything = answers.join('\n').toLowerCase();
      assert.ok(sse.includes('event: telemetry'), 'the stream saw the pushes');
      for (const signature of signatures) assert.equal(everything.includes(signature.toLowerCase()), false, `signature ${signature.slice(0, 12)}... leaked`);
      assert.ok(signatures.length >= 12);
    } finally {
      stream.destroy();
      client.close();
      await server.stop();
    }
  } finally {
    dir.remove();
  }
});
