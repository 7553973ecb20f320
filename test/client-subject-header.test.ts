// Behind nginx, the client certificate is verified by nginx and named in X-Client-Verify/-Subject/-Serial.
// OpenTPS believes those headers only from a configured proxy address: a device sending them itself
// gains nothing, and its claim is not recorded as a certificate.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const PROXY = '127.0.0.1';
const STRANGER = '198.51.100.20';

async function provisionFrom(h: DeviceAppHarness, remoteAddress: string, headers: Record<string, string>) {
  const response = await h.deviceApp.app.inject({ method: 'GET', url: '/provision', remoteAddress, headers });
  await h.settle();
  const [entry] = await h.services.store.listTraffic({ limit: 1 });
  const body: unknown = response.json();
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : null;
  return { status: response.statusCode, error, subject: entry?.clientCertSubject ?? null, serial: entry?.clientCertSerial ?? null };
}

test('X-Client-Verify and X-Client-Subject from a non-proxy address are ignored: /provision is refused as without a certificate', async () => {
  const h = await createDeviceAppHarness({ http: true, 'client-auth': 'provision', 'trusted-proxies': PROXY });
  try {
    const spoofed = await provisionFrom(h, STRANGER, { 'x-client-verify': 'SUCCESS', 'x-client-subject': 'CN=kitchen-1,O=ACME kitchens', 'x-client-serial': '7AC5' });
    assert.deepEqual(spoofed, { status: 403, error: 'ERR_CLIENT_CERT_MISSING', subject: null, serial: null });
  } finally {
    await h.close();
  }
});

test('with no proxy configured the headers are ignored even from loopback', async () => {
  const h = await createDeviceAppHarness({ http: true, 'client-auth': 'provision' });
  try {
    const spoofed = await provisionFrom(h, PROXY, { 'x-client-verify': 'SUCCESS', 'x-client-subject': 'CN=kitchen-1' });
    assert.equal(spoofed.status, 403);
    assert.equal(spoofed.error, 'ERR_CLIENT_CERT_MISSING');
  } finally {
    await h.close();
  }
});

test('from the configured proxy a verified certificate passes and is recorded; revoked, failed and absent ones are refused', async () => {
  const h = await createDeviceAppHarness({ http: true, 'trusted-proxies': `${PROXY},10.0.0.0/8` });
  try {
    await h.services.ca.init({ name: 'ACME kitchens', algorithm: 'ecdsa-p256' });
    const good = await h.services.ca.issueClientCertificate('kitchen-1');
    const bad = await h.services.ca.issueClientCertificate('kitchen-2');
    h.services.ca.revoke(bad.certificate.serial);
    const subject = 'CN=kitchen-1,O=ACME kitchens';

    const passed = await provisionFrom(h, PROXY, { 'x-client-verify': 'SUCCESS', 'x-client-subject': subject, 'x-client-serial': good.certificate.serial.toLowerCase() });
    assert.deepEqual(passed, { status: 200, error: null, subject, serial: good.certificate.serial.toLowerCase() });

    const viaSubnet = await provisionFrom(h, '10.1.2.3', { 'x-client-verify': 'SUCCESS', 'x-client-subject': subject, 'x-client-serial': good.certificate.serial });
    assert.equal(viaSubnet.status, 200);

    const revoked = await provisionFrom(h, PROXY, { 'x-client-verify': 'SUCCESS', 'x-client-subject': 'CN=kitchen-2', 'x-client-serial': `00${bad.certificate.serial}` });
    assert.equal(revoked.error, 'ERR_CLIENT_CERT_REVOKED');

    const expired = await provisionFrom(h, PROXY, { 'x-client-verify': 'FAILED:certificate has expired', 'x-client-subject': subject });
    assert.equal(expired.error, 'ERR_CLIENT_CERT_EXPIRED');

    const untrusted = await provisionFrom(h, PROXY, { 'x-client-verify': 'FAILED:unable to get local issuer certificate', 'x-client-subject': 'CN=x' });
    assert.equal(untrusted.error, 'ERR_CLIENT_CERT_UNTRUSTED');

    const none = await provisionFrom(h, PROXY, { 'x-client-verify': 'NONE' });
    assert.equal(none.error, 'ERR_CLIENT_CERT_MISSING');

    const time = await h.deviceApp.app.inject({ method: 'GET', url: '/time', remoteAddress: PROXY });
    assert.equal(time.statusCode, 200, 'in provision mode other device paths need no certificate');
  } finally {
    await h.close();
  }
});
