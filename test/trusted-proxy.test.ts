// The client address recorded for a device: the socket peer, or, only behind a configured proxy, the
// address in X-Forwarded-For. A device cannot spoof its address by sending the header itself.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDeviceAppHarness } from './device-app-harness.js';

async function recordedAddress(flags: Record<string, string>, remoteAddress: string): Promise<string | null> {
  const h = await createDeviceAppHarness(flags);
  try {
    await h.deviceApp.app.inject({ method: 'GET', url: '/time', remoteAddress, headers: { 'x-forwarded-for': '203.0.113.7' } });
    await h.settle();
    const [entry] = await h.services.store.listTraffic({ limit: 1 });
    return entry?.remoteAddress ?? null;
  } finally {
    await h.close();
  }
}

test('X-Forwarded-For is ignored unless the peer is a configured proxy', async () => {
  assert.equal(await recordedAddress({}, '198.51.100.20'), '198.51.100.20');
  assert.equal(await recordedAddress({ 'trusted-proxies': '127.0.0.1' }, '198.51.100.20'), '198.51.100.20');
});

test('behind a configured proxy the forwarded client address is recorded', async () => {
  assert.equal(await recordedAddress({ 'trusted-proxies': '127.0.0.1,10.0.0.0/8' }, '127.0.0.1'), '203.0.113.7');
  assert.equal(await recordedAddress({ 'trusted-proxies': '10.0.0.0/8' }, '10.1.2.3'), '203.0.113.7');
});
