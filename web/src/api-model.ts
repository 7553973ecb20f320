// The typed shapes of the admin REST API v1 (docs/api.md), as the console uses them after parsing.

export type DeviceStatus = 'online' | 'offline' | 'never-seen';
export const DEVICE_STATUSES: readonly DeviceStatus[] = ['online', 'offline', 'never-seen'];

export type MessageState = 'queued' | 'delivered' | 'answered' | 'expired' | 'cancelled';
export const MESSAGE_STATES: readonly MessageState[] = ['queued', 'delivered', 'answered', 'expired', 'cancelled'];

export type MessageCmd = 'wr' | 'rd';

export interface Session {
  readonly operatorName: string;
  readonly csrfToken: string;
}

export interface Device {
  readonly id: string;
  readonly name: string | null;
  readonly status: DeviceStatus;
  readonly isDisabled: boolean;
  readonly isRegistered: boolean;
  readonly lastSeenAt: string | null;
  readonly expectedIntervalS: number | null;
  readonly okeIds: readonly string[];
  readonly queuedCount: number;
  readonly okmCount: number;
  readonly crcFailureCount: number;
  /** Signed pulls refused as replays (docs/replay-protection.md). */
  readonly replaysRefusedCount: number;
  readonly lastRemoteAddress: string | null;
  readonly timeZone: string | null;
}

export interface DevicePage {
  readonly items: readonly Device[];
  readonly total: number;
}

export interface CreatedDevice {
  readonly device: Device;
  readonly key: string;
}

/** The latest heartbeat of one origin: the CWM itself or one OKE behind it. */
export interface OriginState {
  readonly deviceId: string;
  readonly isCwm: boolean;
  readonly lastSeenAt: string | null;
  readonly lastHeartbeatAt: string | null;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The CWM's own diagnostics from its latest heartbeat. */
export interface CwmDiagnostics {
  readonly diag: readonly number[];
  readonly port: string | null;
  readonly baud: number | null;
  readonly iface: string | null;
  readonly supply5vMv: number | null;
  readonly supply12vMv: number | null;
  readonly internalTemperatureC: number | null;
  readonly queueCapacities: readonly number[];
}

export interface DeviceDetail {
  readonly device: Device;
  readonly states: readonly OriginState[];
  readonly diagnostics: CwmDiagnostics | null;
}

export interface FleetCounts {
  readonly total: number;
  readonly online: number;
  readonly offline: number;
  readonly neverSeen: number;
}

export interface PushesInMinute {
  readonly t: string;
  readonly n: number;
}

export interface FleetProblem {
  readonly deviceId: string;
  readonly kind: string;
  readonly detail: string;
}

export interface FleetSummary {
  readonly counts: FleetCounts;
  readonly pushesPerMinute: readonly PushesInMinute[];
  /** At most a few devices per kind (the worst first); problemTotals says how many have each. */
  readonly problems: readonly FleetProblem[];
  /** Devices with each kind of problem, by kind; empty from a server that lists them all. */
  readonly problemTotals: Readonly<Record<string, number>>;
}

export interface OriginFields {
  readonly deviceId: string;
  readonly numericFields: readonly string[];
}

export interface TelemetryBucket {
  readonly t: string;
  readonly min: number | null;
  readonly max: number | null;
  readonly avg: number | null;
  readonly n: number;
}

export interface TelemetrySeries {
  readonly origin: string;
  readonly field: string;
  /** What answered: raw OKMs (short ranges), or minute or hour rollups (long ones). */
  readonly source: 'raw' | 'minute' | 'hour';
  readonly bucketS: number;
  readonly points: readonly TelemetryBucket[];
}

export interface Message {
  readonly id: string;
  readonly cwmId: string;
  readonly okmId: number | null;
  readonly destination: readonly string[];
  readonly cmd: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly state: MessageState;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly deliveredAt: string | null;
  readonly answeredAt: string | null;
  readonly deliveryCount: number;
  readonly result: Readonly<Record<string, unknown>> | null;
}

export interface NewMessage {
  readonly destination: readonly string[];
  readonly cmd: MessageCmd;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly ttlSeconds?: number;
}

export interface TrafficEntry {
  readonly id: string;
  readonly deviceId: string | null;
  readonly claimedDeviceId: string | null;
  readonly receivedAt: string;
  readonly remoteAddress: string | null;
  readonly method: string;
  readonly url: string;
  readonly headers: unknown;
  readonly body: unknown;
  readonly status: number | null;
  readonly response: unknown;
  readonly durationMs: number | null;
  readonly signatureVerdict: string | null;
  readonly crcVerdict: string | null;
  readonly errorCode: string | null;
  /** The client certificate presented over mutual TLS, if any. */
  readonly clientCertSubject: string | null;
}

export interface DeviceSeenEvent {
  readonly deviceId: string;
  readonly at: string;
}

export interface TelemetryEvent {
  readonly cwmId: string;
  readonly originId: string;
  readonly at: string;
  readonly fields: Readonly<Record<string, unknown>>;
}
