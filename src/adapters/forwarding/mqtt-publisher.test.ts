// The MQTT publisher against the machine's real Mosquitto: batches arrive complete and in order under MQTT 3.1.1
// and 5; a broker that refuses or never answers is a failure with a short reason, quickly, never a hang.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import mqtt from 'mqtt';
import { isOpenTpsError } from '../../errors.js';
import { mqttSkipReason, TEST_MQTT_URL } from '../../../test/support/mqtt-test-broker.js';
import { findFreePort } from '../../../test/support/free-port.js';
import { createMqttPublisher } from './mqtt-publisher.js';

const skip = await mqttSkipReason();

async function receive(topicFilter: string, count: number, publish: () => Promise<void>): Promise<Array<{ topic: string; payload: string }>> {
  const subscriber = await mqtt.connectAsync(TEST_MQTT_URL, { clientId: `opentps-test-sub-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0 });
  try {
    const received: Array<{ topic: string; payload: string }> = [];
    const done = new Promise<void>((resolve) => {
      subscriber.on('message', (topic, payload) => {
        received.push({ topic, payload: payload.toString() });
        if (received.length === count) resolve();
      });
    });
    await subscriber.subscribeAsync(topicFilter, { qos: 1 });
    await publish();
    await done;
    return received;
  } finally {
    await subscriber.endAsync();
  }
}

for (const protocolVersion of [4, 5] as const) {
  test(`MQTT ${protocolVersion === 4 ? '3.1.1' : '5'}: two batches arrive whole and in order, each message as published`, { skip }, async () => {
    const root = `opentps-test/${randomBytes(6).toString('hex')}`;
    const publisher = createMqttPublisher({ url: TEST_MQTT_URL, clientId: `opentps-test-${randomBytes(4).toString('hex')}`, protocolVersion });
    try {
      const batch = (from: number) => Array.from({ length: 100 }, (_, i) => ({ topic: `${root}/cwm-${(from + i) % 3}/telemetry`, payload: JSON.stringify({ id: `okm-${from + i}` }) }));
      const received = await receive(`${root}/#`, 200, async () => {
        await publisher.publishBatch(batch(0));
        await publisher.publishBatch(batch(100));
      });
      assert.deepEqual(received.map((message) => JSON.parse(message.payload).id), Array.from({ length: 200 }, (_, i) => `okm-${i}`));
      assert.equal(received[4]?.topic, `${root}/cwm-1/telemetry`);
    } finally {
      await publisher.close();
    }
  });
}

test('a broker address where nothing listens: a failure naming ECONNREFUSED', async () => {
  const port = await findFreePort();
  const publisher = createMqttPublisher({ url: `mqtt://127.0.0.1:${port}`, clientId: 'opentps-test-refused', protocolVersion: 4, timeoutMs: 2000 });
  await assert.rejects(publisher.publishBatch([{ topic: 't', payload: '{}' }]), (error: unknown) => isOpenTpsError(error) && error.code === 'ERR_FORWARD_FAILED' && /ECONNREFUSED/.test(error.message));
  await publisher.close();
});

const silent: Socket[] = [];
let silentServer: Server | null = null;
after(() => {
  for (const socket of silent) socket.destroy();
  silentServer?.close();
});

test('a server that accepts and never answers: a timeout failure after the configured time, not a hang', async () => {
  silentServer = createServer((socket) => silent.push(socket));
  await new Promise<void>((resolve) => silentServer?.listen(0, '127.0.0.1', resolve));
  const address = silentServer.address();
  assert.ok(address !== null && typeof address === 'object');
  const publisher = createMqttPublisher({ url: `mqtt://127.0.0.1:${address.port}`, clientId: 'opentps-test-silent', protocolVersion: 4, timeoutMs: 300 });
  const started = Date.now();
  await assert.rejects(publisher.publishBatch([{ topic: 't', payload: '{}' }]), (error: unknown) => isOpenTpsError(error) && /timeout|CONNACK/.test(error.message));
  assert.ok(Date.now() - started < 5000, 'gave up within the timeout, give or take');
  await publisher.close();
});
