// The admin API of the custom-endpoint kit through Fastify's inject: create the CA, issue certificates,
// download the CWM's files (each PEM parses and is under 4096 bytes), revoke, check endpoint values;
// every change audited, every refusal named and leaving nothing behind.

import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const PASSWORD = 'correct horse battery staple';

describe('admin API: certificate authority and endpoint check', () => {
  let h: DeviceAppHarness;
  let cookie = '';
  let csrf = '';

  const call = (method: 'GET' | 'POST', url: string, payload?: object, withCsrf = true) =>
    h.deviceApp.app.inject({ method, url, headers: { cookie, ...(withCsrf && method === 'POST' ? { 'x-csrf-token': csrf } : {}) }, ...(payload ? { payload } : {}) });

  before(async () => {
    h = await createDeviceAppHarness();
    await h.services.auth.addOperator('admin', PASSWORD);
    const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
    cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    csrf = (login.json() as { csrfToken: string }).csrfToken;
  });
  after(() => h.close());

  test('before the CA exists, status says so and certificates are refused with ERR_CA_MISSING, writing nothing', async () => {
    const status = (await call('GET', '/api/v1/ca')).json();
    assert.equal(status.exists, false);
    assert.equal(status.clientAuthMode, 'none');
    const refused = await call('POST', '/api/v1/ca/client-certificates', { label: 'kitchen-1' });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error, 'ERR_CA_MISSING');
    assert.equal(existsSync(join(h.dataDir.path, 'ca', 'index.json')), false);
  });

  test('creating the CA needs the CSRF header, then answers 201; a second time 409 ERR_CA_EXISTS', async () => {
    assert.equal((await call('POST', '/api/v1/ca', { name: 'ACME kitchens' }, false)).statusCode, 403);
    const created = await call('POST', '/api/v1/ca', { name: 'ACME kitchens' });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().algorithm, 'rsa-2048');
    const again = await call('POST', '/api/v1/ca', { name: 'Other' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error, 'ERR_CA_EXISTS');
    const status = (await call('GET', '/api/v1/ca')).json();
    assert.equal(status.root.name, 'ACME kitchens');
    assert.equal(status.clientAuthMode, 'provision');
  });

  test('a server certificate with a decorated name is refused with the reason; bare names are issued', async () => {
    const refused = await call('POST', '/api/v1/ca/server-certificates', { names: ['https://tps.example.com'] });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error, 'ERR_CERT_NAMES_INVALID');
    assert.match(refused.json().message, /https:\/\//);
    assert.equal(readdirSync(join(h.dataDir.path, 'ca', 'issued')).length, 0, 'nothing half-written');
    const issued = await call('POST', '/api/v1/ca/server-certificates', { names: ['tps.example.com', '192.0.2.10'] });
    assert.equal(issued.statusCode, 201, issued.body);
    assert.deepEqual(issued.json().names, ['tps.example.com', '192.0.2.10']);
  });

  test('the export lists and serves every PEM a CWM needs, each parsing and under 4096 bytes', async () => {
    const noClient = await call('GET', '/api/v1/ca/export');
    assert.equal(noClient.json().error, 'ERR_CERT_NOT_FOUND');
    const badLabel = await call('POST', '/api/v1/ca/client-certificates', { label: '../etc' });
    assert.equal(badLabel.json().error, 'ERR_CERT_LABEL_INVALID');
    const client = await call('POST', '/api/v1/ca/client-certificates', { label: 'kitchen-1' });
    assert.equal(client.statusCode, 201);
    assert.equal(client.json().keyPem, undefined, 'the key is not in the answer; it is downloaded with the export');
    const listing = (await call('GET', '/api/v1/ca/export')).json() as { files: Array<{ name: string; bytes: number; isUnderLimit: boolean }> };
    assert.deepEqual(listing.files.map((f) => f.name), ['1-server-root-ca.pem', '2-client-provisioning-cert.pem', '3-client-provisioning-key.pem', '4-client-root-ca.pem', 'README.txt']);
    const root = new X509Certificate((await call('GET', '/api/v1/ca/export/1-server-root-ca.pem')).body);
    for (const file of listing.files) {
      const download = await call('GET', `/api/v1/ca/export/${file.name}`);
      assert.equal(download.statusCode, 200);
      assert.match(String(download.headers['content-disposition']), new RegExp(`filename="${file.name}"`));
      assert.equal(Buffer.byteLength(download.body), file.bytes);
      if (!file.name.endsWith('.pem')) continue;
      assert.ok(file.bytes < 4096 && file.isUnderLimit, `${file.name} is ${file.bytes} bytes`);
      assert.equal((download.body.match(/-----BEGIN /g) ?? []).length, 1, `${file.name} holds one PEM (no bundle)`);
      if (file.name.includes('key')) {
        assert.equal(createPrivateKey(download.body).asymmetricKeyType, 'rsa');
      } else {
        const cert = new X509Certificate(download.body);
        assert.ok(cert.verify(root.publicKey), `${file.name} is signed by our root`);
      }
    }
    const clientCert = new X509Certificate((await call('GET', '/api/v1/ca/export/2-client-provisioning-cert.pem')).body);
    assert.ok(clientCert.checkPrivateKey(createPrivateKey((await call('GET', '/api/v1/ca/export/3-client-provisioning-key.pem')).body)));
    assert.match((await call('GET', '/api/v1/ca/export/README.txt')).body, /tps\.example\.com/);
    assert.equal((await call('GET', '/api/v1/ca/export/root-key.pem')).statusCode, 404, 'only export files can be downloaded');
  });

  test('revoking marks the certificate; an unknown serial is ERR_CERT_NOT_FOUND; changes are audited', async () => {
    const [client] = (await call('GET', '/api/v1/ca/certificates')).json().items.filter((c: { kind: string }) => c.kind === 'client');
    assert.equal((await call('POST', '/api/v1/ca/certificates/ABCDEF/revoke')).json().error, 'ERR_CERT_NOT_FOUND');
    const revoked = await call('POST', `/api/v1/ca/certificates/${client.serial}/revoke`);
    assert.equal(revoked.json().state, 'revoked');
    assert.equal((await call('POST', `/api/v1/ca/certificates/${client.serial}/revoke`)).json().error, 'ERR_CERT_ALREADY_REVOKED');
    assert.ok(h.services.ca.isRevoked(client.serial));
    const audit = await h.services.store.listAudit(50);
    const actions = audit.map((entry) => entry.action);
    for (const action of ['ca.init', 'ca.server-cert', 'ca.client-cert', 'ca.export-key', 'ca.revoke']) assert.ok(actions.includes(action), action);
  });

  test('the endpoint check answers the reason and the bare host for the mistakes the seed lists', async () => {
    const good = (await call('GET', '/api/v1/endpoint-check?value=tps.mycompany.com')).json();
    assert.deepEqual(good, { isValid: true, value: 'tps.mycompany.com', kind: 'dns' });
    const bad = (await call('GET', `/api/v1/endpoint-check?value=${encodeURIComponent('tps.mycompany.com?redirect=true')}`)).json();
    assert.equal(bad.isValid, false);
    assert.equal(bad.problem, 'has-query');
    assert.equal(bad.suggestion, 'tps.mycompany.com');
  });
});
