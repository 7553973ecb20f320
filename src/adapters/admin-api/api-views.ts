// The JSON shapes of docs/api.md (schemas/), built from domain records. Times become ISO strings here.

import type { Static } from '@sinclair/typebox';
import { deriveDeviceStatus, expectedIntervalMs } from '../../domain/device-status.js';
import type { DeviceRecord, DeviceState } from '../../domain/device-store.js';
import type { MessageRecord } from '../../domain/message-store.js';
import type { StoredTrafficEntry } from '../../domain/traffic-store.js';
import { redactTrafficEntry } from '../../domain/traffic-redaction.js';
import type { DeviceSchema, DiagnosticsSchema } from './schemas/device-schemas.js';
import type { MessageSchema } from './schemas/message-schemas.js';
import type { TrafficEntrySchema } from './schemas/traffic-schemas.js';

export function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

export type DeviceView = Static<typeof DeviceSchema>;
export type MessageView = Static<typeof MessageSchema>;
export type TrafficView = Static<typeof TrafficEntrySchema>;
export type DiagnosticsView = Static<typeof DiagnosticsSchema>;

export function toDeviceView(device: DeviceRecord, queuedCount: number, okeIds: readonly string[], nowMs: number): DeviceView {
  return {
    id: device.id,
    name: device.name,
    status: deriveDeviceStatus(device.lastSeenAtMs, device.typicalIntervalMs, nowMs),
    isDisabled: device.isDisabled,
    isRegistered: device.key !== null,
    lastSeenAt: isoOrNull(device.lastSeenAtMs),
    expectedIntervalS: Math.round(expectedIntervalMs(device.typicalIntervalMs) / 1000),
    okeIds: [...okeIds],
    queuedCount,
    okmCount: device.okmCount,
    crcFailureCount: device.crcFailureCount,
    replaysRefusedCount: device.replaysRefusedCount,
    lastRemoteAddress: device.lastRemoteAddress,
    timeZone: device.timeZone,
    siteId: device.siteId,
  };
}

export function toMessageView(message: MessageRecord): MessageView {
  return {
    id: message.id,
    cwmId: message.cwmId,
    okmId: message.okmId,
    destination: [...message.destination],
    cmd: message.cmd,
    payload: message.payload,
    state: message.state,
    createdAt: new Date(message.createdAtMs).toISOString(),
    expiresAt: new Date(message.expiresAtMs).toISOString(),
    deliveredAt: isoOrNull(message.deliveredAtMs),
    answeredAt: isoOrNull(message.answeredAtMs),
    deliveryCount: message.deliveryCount,
    result: message.result,
  };
}

/** Signatures are taken out again here: entries recorded before they were redacted at recording may hold them. */
export function toTrafficView(entry: StoredTrafficEntry): TrafficView {
  const { receivedAtMs, ...redacted } = redactTrafficEntry(entry);
  return { ...redacted, receivedAt: new Date(receivedAtMs).toISOString() };
}

/** The CWM's own diagnostics from its last heartbeat (PROTOCOL.md Part B 5). */
export function diagnosticsOf(states: readonly DeviceState[], cwmId: string): DiagnosticsView | null {
  const fields = states.find((state) => state.deviceId === cwmId)?.latestFields;
  if (!fields) return null;
  const keys = ['diag', 'port', 'baud', 'if', '5v', '12v', 'ti', 'msf', 'cfgpend', 'scan', 'rcon'];
  return Object.fromEntries(keys.filter((key) => key in fields).map((key) => [key, fields[key]]));
}
