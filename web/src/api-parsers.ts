// Turns raw API JSON into the typed shapes of api-model.ts, once, at the edge of the console.
import {
  DEVICE_STATUSES,
  MESSAGE_STATES,
  type CreatedDevice,
  type CwmDiagnostics,
  type Device,
  type DeviceDetail,
  type DevicePage,
  type DeviceSeenEvent,
  type FleetSummary,
  type Message,
  type OriginFields,
  type OriginState,
  type Session,
  type TelemetryEvent,
  type TelemetrySeries,
  type TrafficEntry,
} from './api-model.js';
import {
  ApiShapeError,
  isJsonObject,
  readArray,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readOptionalNumber,
  readOptionalString,
  readString,
  readStringArray,
  type JsonObject,
} from './json-reader.js';

/** Ids may be numeric row ids or strings depending on the store; the console only compares and echoes them. */
function readId(object: JsonObject, key: string, path: string): string {
  const value = object[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ApiShapeError(`${path}.${key}`, 'string or number', value);
}

function readOptionalObject(object: JsonObject, key: string, path: string): JsonObject | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  return readObject(value, `${path}.${key}`);
}

export function parseSession(value: unknown): Session {
  const object = readObject(value, 'session');
  const operator = readObject(object['operator'], 'session.operator');
  return { operatorName: readString(operator, 'name', 'session.operator'), csrfToken: readString(object, 'csrfToken', 'session') };
}

export function parseDevice(value: unknown, path = 'device'): Device {
  const object = readObject(value, path);
  return {
    id: readString(object, 'id', path),
    name: readOptionalString(object, 'name', path),
    status: readEnum(object, 'status', DEVICE_STATUSES, path),
    isDisabled: readBoolean(object, 'isDisabled', path),
    isRegistered: readBoolean(object, 'isRegistered', path),
    lastSeenAt: readOptionalString(object, 'lastSeenAt', path),
    expectedIntervalS: readOptionalNumber(object, 'expectedIntervalS', path),
    okeIds: object['okeIds'] === undefined ? [] : readStringArray(object, 'okeIds', path),
    queuedCount: readNumber(object, 'queuedCount', path),
    okmCount: readNumber(object, 'okmCount', path),
    crcFailureCount: readNumber(object, 'crcFailureCount', path),
    // Absent from servers before replay protection: none refused.
    replaysRefusedCount: object['replaysRefusedCount'] === undefined ? 0 : readNumber(object, 'replaysRefusedCount', path),
    lastRemoteAddress: readOptionalString(object, 'lastRemoteAddress', path),
    timeZone: readOptionalString(object, 'timeZone', path),
  };
}

export function parseDevicePage(value: unknown): DevicePage {
  const object = readObject(value, 'devices');
  return {
    items: readArray(object['items'], 'devices.items').map((item, index) => parseDevice(item, `devices.items[${index}]`)),
    total: readNumber(object, 'total', 'devices'),
  };
}

export function parseCreatedDevice(value: unknown): CreatedDevice {
  const object = readObject(value, 'created');
  return { device: parseDevice(object['device'], 'created.device'), key: readString(object, 'key', 'created') };
}

function parseOriginState(value: unknown, path: string): OriginState {
  const object = readObject(value, path);
  return {
    deviceId: readString(object, 'deviceId', path),
    isCwm: readBoolean(object, 'isCwm', path),
    lastSeenAt: readOptionalString(object, 'lastSeenAt', path),
    lastHeartbeatAt: readOptionalString(object, 'lastHeartbeatAt', path),
    fields: readOptionalObject(object, 'fields', path) ?? {},
  };
}

function readNumberList(object: JsonObject, key: string, path: string): number[] {
  const value = object[key];
  if (!Array.isArray(value)) return [];
  return value.map((item, index) => {
    if (typeof item !== 'number') throw new ApiShapeError(`${path}.${key}[${index}]`, 'number', item);
    return item;
  });
}

function parseDiagnostics(value: unknown, path: string): CwmDiagnostics | null {
  if (value === null || value === undefined) return null;
  const object = readObject(value, path);
  const baud = object['baud'];
  return {
    diag: readNumberList(object, 'diag', path),
    port: object['port'] === undefined || object['port'] === null ? null : String(object['port']),
    baud: typeof baud === 'number' ? baud : null,
    iface: readOptionalString(object, 'if', path),
    supply5vMv: readOptionalNumber(object, '5v', path),
    supply12vMv: readOptionalNumber(object, '12v', path),
    internalTemperatureC: readOptionalNumber(object, 'ti', path),
    queueCapacities: readNumberList(object, 'msf', path),
  };
}

export function parseDeviceDetail(value: unknown): DeviceDetail {
  const object = readObject(value, 'detail');
  return {
    device: parseDevice(object['device'], 'detail.device'),
    states: readArray(object['states'] ?? [], 'detail.states').map((item, index) => parseOriginState(item, `detail.states[${index}]`)),
    diagnostics: parseDiagnostics(object['diagnostics'], 'detail.diagnostics'),
  };
}

export function parseFleetSummary(value: unknown): FleetSummary {
  const object = readObject(value, 'fleet');
  const counts = readObject(object['counts'], 'fleet.counts');
  return {
    counts: {
      total: readNumber(counts, 'total', 'fleet.counts'),
      online: readNumber(counts, 'online', 'fleet.counts'),
      offline: readNumber(counts, 'offline', 'fleet.counts'),
      neverSeen: readNumber(counts, 'neverSeen', 'fleet.counts'),
    },
    pushesPerMinute: readArray(object['pushesPerMinute'], 'fleet.pushesPerMinute').map((item, index) => {
      const path = `fleet.pushesPerMinute[${index}]`;
      const minute = readObject(item, path);
      return { t: readString(minute, 't', path), n: readNumber(minute, 'n', path) };
    }),
    problems: readArray(object['problems'], 'fleet.problems').map((item, index) => {
      const path = `fleet.problems[${index}]`;
      const problem = readObject(item, path);
      return {
        deviceId: readString(problem, 'deviceId', path),
        kind: readString(problem, 'kind', path),
        detail: readOptionalString(problem, 'detail', path) ?? '',
      };
    }),
    problemTotals: parseProblemTotals(object['problemTotals']),
  };
}

function parseProblemTotals(value: unknown): Record<string, number> {
  if (value === undefined) return {};
  const totals = readObject(value, 'fleet.problemTotals');
  return Object.fromEntries(Object.keys(totals).map((kind) => [kind, readNumber(totals, kind, 'fleet.problemTotals')]));
}

export function parseOriginFields(value: unknown): OriginFields[] {
  const object = readObject(value, 'fields');
  return readArray(object['origins'], 'fields.origins').map((item, index) => {
    const path = `fields.origins[${index}]`;
    const origin = readObject(item, path);
    return { deviceId: readString(origin, 'deviceId', path), numericFields: readStringArray(origin, 'numericFields', path) };
  });
}

/** A server from before rollups sends no source: its series were raw. */
function readSeriesSource(value: unknown): TelemetrySeries['source'] {
  return value === 'minute' || value === 'hour' ? value : 'raw';
}

export function parseTelemetrySeries(value: unknown): TelemetrySeries {
  const object = readObject(value, 'telemetry');
  return {
    origin: readString(object, 'origin', 'telemetry'),
    field: readString(object, 'field', 'telemetry'),
    source: readSeriesSource(object['source']),
    bucketS: readOptionalNumber(object, 'bucketS', 'telemetry') ?? 0,
    points: readArray(object['points'], 'telemetry.points').map((item, index) => {
      const path = `telemetry.points[${index}]`;
      const bucket = readObject(item, path);
      return {
        t: readString(bucket, 't', path),
        min: readOptionalNumber(bucket, 'min', path),
        max: readOptionalNumber(bucket, 'max', path),
        avg: readOptionalNumber(bucket, 'avg', path),
        n: readOptionalNumber(bucket, 'n', path) ?? 0,
      };
    }),
  };
}

export function parseMessage(value: unknown, path = 'message'): Message {
  const object = readObject(value, path);
  return {
    id: readId(object, 'id', path),
    cwmId: readString(object, 'cwmId', path),
    okmId: readOptionalNumber(object, 'okmId', path),
    destination: readStringArray(object, 'destination', path),
    cmd: readString(object, 'cmd', path),
    payload: readOptionalObject(object, 'payload', path) ?? {},
    state: readEnum(object, 'state', MESSAGE_STATES, path),
    createdAt: readString(object, 'createdAt', path),
    expiresAt: readOptionalString(object, 'expiresAt', path),
    deliveredAt: readOptionalString(object, 'deliveredAt', path),
    answeredAt: readOptionalString(object, 'answeredAt', path),
    deliveryCount: readOptionalNumber(object, 'deliveryCount', path) ?? 0,
    result: readOptionalObject(object, 'result', path),
  };
}

export function parseMessageList(value: unknown): Message[] {
  const object = readObject(value, 'messages');
  return readArray(object['items'], 'messages.items').map((item, index) => parseMessage(item, `messages.items[${index}]`));
}

export function parseTrafficList(value: unknown): TrafficEntry[] {
  const object = readObject(value, 'traffic');
  return readArray(object['items'], 'traffic.items').map((item, index) => {
    const path = `traffic.items[${index}]`;
    const entry = readObject(item, path);
    return {
      id: readId(entry, 'id', path),
      deviceId: readOptionalString(entry, 'deviceId', path),
      claimedDeviceId: readOptionalString(entry, 'claimedDeviceId', path),
      receivedAt: readString(entry, 'receivedAt', path),
      remoteAddress: readOptionalString(entry, 'remoteAddress', path),
      method: readString(entry, 'method', path),
      url: readString(entry, 'url', path),
      headers: entry['headers'] ?? null,
      body: entry['body'] ?? null,
      status: readOptionalNumber(entry, 'status', path),
      response: entry['response'] ?? null,
      durationMs: readOptionalNumber(entry, 'durationMs', path),
      signatureVerdict: readOptionalString(entry, 'signatureVerdict', path),
      crcVerdict: readOptionalString(entry, 'crcVerdict', path),
      errorCode: readOptionalString(entry, 'errorCode', path),
      clientCertSubject: readOptionalString(entry, 'clientCertSubject', path),
    };
  });
}

export function parseDeviceSeenEvent(value: unknown): DeviceSeenEvent {
  const object = readObject(value, 'device-seen');
  return { deviceId: readString(object, 'deviceId', 'device-seen'), at: readString(object, 'at', 'device-seen') };
}

export function parseTelemetryEvent(value: unknown): TelemetryEvent {
  const object = readObject(value, 'telemetry-event');
  const fields = object['fields'];
  return {
    cwmId: readString(object, 'cwmId', 'telemetry-event'),
    originId: readString(object, 'originId', 'telemetry-event'),
    at: readString(object, 'at', 'telemetry-event'),
    fields: isJsonObject(fields) ? fields : {},
  };
}
