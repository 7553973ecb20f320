// The machine's MQTT broker for tests (Mosquitto; OPENTPS_TEST_MQTT_URL, default mqtt://127.0.0.1:1883). Where it
// cannot be reached, `mqttSkipReason` says why, for `test(..., { skip })`; .ci/run starts it, so CI never skips.

import { connect } from 'node:net';

export const TEST_MQTT_URL = process.env['OPENTPS_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';

/** Why MQTT tests cannot run here, or false when they can. */
export async function mqttSkipReason(): Promise<string | false> {
  const url = new URL(TEST_MQTT_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 1883) });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no MQTT broker answers at ${TEST_MQTT_URL} (timeout)`);
    });
    socket.once('error', (error) => resolve(`no MQTT broker at ${TEST_MQTT_URL}: ${error.message}`));
  });
}
