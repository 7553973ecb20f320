// Publishes forwarded events to an MQTT broker (issue 17) with the `mqtt` package: QoS 1, a batch resolved only
// when the broker acknowledged every message of it (PUBACK), in the order given. The client never reconnects by
// itself: the forwarder decides when to try again (back-off) and resends from its durable cursor, so a message
// whose PUBACK was lost is sent again with the same event id (at least once), never dropped.

import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { OpenTpsError } from '../../errors.js';

export const DEFAULT_MQTT_TIMEOUT_MS = 10_000;

export interface MqttPublisherOptions {
  readonly url: string;
  readonly clientId: string;
  /** 4: MQTT 3.1.1; 5: MQTT 5. */
  readonly protocolVersion: 4 | 5;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** For connecting (up to the CONNACK) and for each batch's acknowledgements. */
  readonly timeoutMs?: number | undefined;
}

export interface MqttMessage {
  readonly topic: string;
  readonly payload: string;
}

export interface MqttPublisher {
  /** Connects if needed, publishes every message with QoS 1, resolves once the broker acknowledged them all. */
  publishBatch(messages: readonly MqttMessage[]): Promise<void>;
  /** Ends the connection (waiting for nothing in flight). */
  close(): Promise<void>;
}

/** A failure as one short line for the destination's status: `ECONNREFUSED`, `timeout after 10 s`, the broker's reason. */
export function mqttFailureReason(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) return error.code;
  if (error instanceof Error) return error.message.slice(0, 200);
  return String(error).slice(0, 200);
}

function failure(reason: string, cause: unknown): OpenTpsError {
  return new OpenTpsError('ERR_FORWARD_FAILED', reason, { cause, details: { reason } });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${timeoutMs / 1000} s ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createMqttPublisher(options: MqttPublisherOptions): MqttPublisher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_MQTT_TIMEOUT_MS;
  let client: MqttClient | null = null;

  const connect = async (): Promise<MqttClient> => {
    if (client !== null && client.connected) return client;
    if (client !== null) {
      client.end(true);
      client = null;
    }
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      protocolVersion: options.protocolVersion,
      // Reconnecting is the forwarder's decision (with back-off), not the library's.
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      clean: true,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
    };
    const connecting = mqtt.connect(options.url, clientOptions);
    // Errors after connecting surface as a failed publish; this keeps them from being unhandled.
    connecting.on('error', () => undefined);
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          connecting.once('connect', () => resolve());
          connecting.once('error', reject);
          connecting.once('close', () => reject(new Error('connection closed before CONNACK')));
        }),
        timeoutMs,
        'waiting for the broker\'s CONNACK',
      );
    } catch (error) {
      connecting.end(true);
      throw failure(mqttFailureReason(error), error);
    }
    client = connecting;
    return connecting;
  };

  return {
    async publishBatch(messages) {
      if (messages.length === 0) return;
      const connected = await connect();
      try {
        // Published in order on one connection: the broker forwards them to subscribers in that order (MQTT 4.6).
        await withTimeout(Promise.all(messages.map((message) => connected.publishAsync(message.topic, message.payload, { qos: 1 }))), timeoutMs, 'waiting for PUBACKs');
      } catch (error) {
        // The connection's state is unknown now: the next batch starts on a new one.
        connected.end(true);
        client = null;
        throw failure(mqttFailureReason(error), error);
      }
    },
    async close() {
      const open = client;
      client = null;
      if (open !== null) await open.endAsync(true).catch(() => undefined);
    },
  };
}
