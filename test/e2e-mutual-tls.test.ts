// Mutual TLS over real handshakes on loopback (issue 6): the server serves our CA's certificate, asks for
// client certificates, and refuses /provision without one from our CA, with one from another CA, with a
// revoked or an expired one; `--client-auth all` extends that to every device path.

import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createX509Minter } from '../src/adapters/tls/x509-minter.js';
import { createSystemClock } from '../src/domain/clock.js';
import { openCertificateAuthority } from '../src/main.js';
import { runCliProcess, startServerProcess, type ServerProcess } from './support/server-process.js';
import { createTempDataDir, type TempDataDir } from './support/temp-data-dir.js';
import { requestOverTls } from './support/tls-client.js';

interface ClientIdentity {
  readonly cert: string;
  readonly key: string;
  readonly serial: string;
}

let dir: TempDataDir;
let otherDir: TempDataDir;
let server: ServerProcess;
let root: string;
let serverSerial: string;
let kitchen1: ClientIdentity;
let kitchen2: ClientIdentity;
let intruder: ClientIdentity;
let expired: ClientIdentity;

async function issueClient(dataDir: string, label: string): Promise<ClientIdentity> {
  const ca = openCertificateAuthority(dataDir, createSystemClock());
  const issued = await ca.issueClientCertificate(label);
  return { cert: issued.certPem, key: issued.keyPem, serial: issued.certificate.serial };
}

interface RecordedEntry {
  readonly url?: string;
  readonly status?: number;
  readonly errorCode?: string | null;
  readonly clientCertSubject?: string | null;
  readonly clientCertSerial?: string | null;
  readonly claimedDeviceId?: string | null;
}

/** `opentps traffic unknown --json`: one JSON entry per line. */
async function recordedTraffic(dataDir: string): Promise<RecordedEntry[]> {
  const traffic = await runCliProcess(['traffic', 'unknown', '--json', '--limit', '500', '--data', dataDir]);
  assert.equal(traffic.code, 0, traffic.stderr);
  return traffic.stdout.trim().split('\n').map((line): RecordedEntry => JSON.parse(line));
}

function errorOf(body: string): string | null {
  const parsed: unknown = JSON.parse(body);
  return typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string' ? parsed.error : null;
}

before(async () => {
  dir = createTempDataDir();
  otherDir = createTempDataDir();
  const ca = openCertificateAuthority(dir.path, createSystemClock());
  await ca.init({ name: 'ACME kitchens' });
  serverSerial = (await ca.issueServerCertificate(['127.0.0.1', 'localhost'])).serial;
  root = ca.rootCertificatePem() ?? '';
  kitchen1 = await issueClient(dir.path, 'kitchen-1');
  kitchen2 = await issueClient(dir.path, 'kitchen-2');
  const other = openCertificateAuthority(otherDir.path, createSystemClock());
  await other.init({ name: 'Someone else' });
  intruder = await issueClient(otherDir.path, 'intruder');
  // Our root signs a certificate that ended yesterday: only the minter (not the CA service) can do that.
  const now = Date.now();
  const minted = await createX509Minter().issue({
    issuer: { certPem: root, keyPem: readFileSync(join(dir.path, 'ca', 'root-key.pem'), 'utf8') },
    kind: 'client', commonName: 'old-kitchen', organization: 'ACME kitchens', names: [], serial: '3A0000000000000001',
    notBefore: new Date(now - 10 * 86_400_000), notAfter: new Date(now - 86_400_000), algorithm: 'rsa-2048',
  });
  expired = { cert: minted.certPem, key: minted.keyPem, serial: '3A0000000000000001' };
  server = await startServerProcess(dir.path);
});

after(async () => {
  await server?.stop();
  dir?.remove();
  otherDir?.remove();
});

test('serve uses our CA server certificate, which verifies against the exported root, and says so on start', async () => {
  const response = await requestOverTls(server.url, '/pull', { ca: root });
  assert.equal(response.status, 200);
  assert.equal(response.body, '{"pull":false}');
  assert.equal(response.serverSerial, serverSerial);
  const started = server.logLines.find((line) => line.includes('OpenTPS listening'));
  assert.match(started ?? '', /our CA's server certificate/);
  assert.match(started ?? '', /"clientAuth":"provision"/);
});

test('a client certificate from our CA reaches /provision, and its subject is recorded with the traffic', async () => {
  const response = await requestOverTls(server.url, '/provision', { ca: root, cert: kitchen1.cert, key: kitchen1.key });
  assert.equal(response.status, 200);
  assert.equal(response.body, '{"provision":true}');
  const entries = await recordedTraffic(dir.path);
  const provision = entries.find((entry) => entry.url === '/provision' && entry.status === 200);
  assert.ok(provision, JSON.stringify(entries));
  assert.match(String(provision.clientCertSubject), /CN=kitchen-1/);
  assert.equal(provision.clientCertSerial, kitchen1.serial);
});

test('/provision without a client certificate is refused with ERR_CLIENT_CERT_MISSING; /pull still answers', async () => {
  const refused = await requestOverTls(server.url, '/provision', { ca: root });
  assert.equal(refused.status, 403);
  assert.equal(errorOf(refused.body), 'ERR_CLIENT_CERT_MISSING');
  const under = await requestOverTls(server.url, '/provision/ProvisionAPI?devid=x', { ca: root });
  assert.equal(errorOf(under.body), 'ERR_CLIENT_CERT_MISSING');
  const pull = await requestOverTls(server.url, '/pull', { ca: root });
  assert.equal(pull.status, 200);
});

test('a client certificate from another CA is refused with ERR_CLIENT_CERT_UNTRUSTED, and recorded', async () => {
  const refused = await requestOverTls(server.url, '/provision', { ca: root, cert: intruder.cert, key: intruder.key });
  assert.equal(refused.status, 403);
  assert.equal(errorOf(refused.body), 'ERR_CLIENT_CERT_UNTRUSTED');
  const entries = await recordedTraffic(dir.path);
  assert.ok(entries.some((entry) => entry.errorCode === 'ERR_CLIENT_CERT_UNTRUSTED' && /CN=intruder/.test(entry.clientCertSubject ?? '')));
});

test('an expired client certificate from our CA is refused with ERR_CLIENT_CERT_EXPIRED', async () => {
  const refused = await requestOverTls(server.url, '/provision', { ca: root, cert: expired.cert, key: expired.key });
  assert.equal(refused.status, 403);
  assert.equal(errorOf(refused.body), 'ERR_CLIENT_CERT_EXPIRED');
});

test('`opentps ca revoke` run while the server is up refuses the certificate from the next request, even on an open connection', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const before = await requestOverTls(server.url, '/provision', { ca: root, cert: kitchen2.cert, key: kitchen2.key, agent });
    assert.equal(before.status, 200);
    const revoked = await runCliProcess(['ca', 'revoke', kitchen2.serial, '--data', dir.path]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const afterRevoke = await requestOverTls(server.url, '/provision', { ca: root, cert: kitchen2.cert, key: kitchen2.key, agent });
    assert.equal(afterRevoke.status, 403);
    assert.equal(errorOf(afterRevoke.body), 'ERR_CLIENT_CERT_REVOKED');
    const fresh = await requestOverTls(server.url, '/provision', { ca: root, cert: kitchen2.cert, key: kitchen2.key });
    assert.equal(errorOf(fresh.body), 'ERR_CLIENT_CERT_REVOKED');
    const other = await requestOverTls(server.url, '/provision', { ca: root, cert: kitchen1.cert, key: kitchen1.key });
    assert.equal(other.status, 200, 'the other client certificate still works');
  } finally {
    agent.destroy();
  }
});

test('with --client-auth all, /push and /pull need a client certificate too', async () => {
  const strict = await startServerProcess(dir.path, ['--client-auth', 'all']);
  try {
    const push = await requestOverTls(strict.url, '/push', { ca: root, method: 'POST' });
    assert.equal(push.status, 403);
    assert.equal(errorOf(push.body), 'ERR_CLIENT_CERT_MISSING');
    const pull = await requestOverTls(strict.url, '/pull', { ca: root });
    assert.equal(errorOf(pull.body), 'ERR_CLIENT_CERT_MISSING');
    const signedIn = await requestOverTls(strict.url, '/push', { ca: root, method: 'POST', cert: kitchen1.cert, key: kitchen1.key });
    assert.notEqual(signedIn.status, 403, 'past mutual TLS, the push is judged by the protocol');
    assert.equal(errorOf(signedIn.body), 'ERR_REQUEST_MISSING_REQ');
    const pullWithCert = await requestOverTls(strict.url, '/pull', { ca: root, cert: kitchen1.cert, key: kitchen1.key });
    assert.equal(pullWithCert.body, '{"pull":false}');
    // A refused push is recorded under the CWM it names in its OKM, so the operator can tell which one it was.
    const okm = '{"_src":["0363feed00000001","0002feed00000001"],"_cmd":"wr","_id":1,"_ts":"2026-11-25T00:00:00","_crc":"0000","_pld":{}}';
    const refusedPush = await requestOverTls(strict.url, `/push?req=${encodeURIComponent(`{"okm":${okm},"ts":"2026-11-25T00:00:01"}`)}`, { ca: root, method: 'POST' });
    assert.equal(errorOf(refusedPush.body), 'ERR_CLIENT_CERT_MISSING');
    const recorded = (await recordedTraffic(dir.path)).find((entry) => entry.url?.startsWith('/push?req=') && entry.errorCode === 'ERR_CLIENT_CERT_MISSING');
    assert.equal(recorded?.claimedDeviceId, '0002feed00000001');
  } finally {
    await strict.stop();
  }
});

test('with --client-auth none, /provision answers without a client certificate', async () => {
  const open = await startServerProcess(dir.path, ['--client-auth', 'none']);
  try {
    const response = await requestOverTls(open.url, '/provision', { ca: root });
    assert.equal(response.status, 200);
  } finally {
    await open.stop();
  }
});
