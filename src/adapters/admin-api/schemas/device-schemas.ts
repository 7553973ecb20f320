// /api/v1/devices: the fleet table's query, a device, its details, and the operator's changes (docs/api.md "Devices").

import { Type } from '@sinclair/typebox';
import { IsoTime, JsonObject, Nullable, StringEnum } from './common-schemas.js';

export const DEVICE_STATUS_VALUES = ['online', 'offline', 'never-seen'] as const;
export const DeviceStatusSchema = StringEnum(DEVICE_STATUS_VALUES, { description: 'derived from the CWM\'s usual interval' });

export const DEVICE_SORT_VALUES = ['id', 'name', 'lastSeen', 'queued', 'crcFailures'] as const;
export const DEVICE_PAGE_DEFAULT_LIMIT = 50;

export const DeviceIdParams = Type.Object({ id: Type.String({ description: 'CWM id' }) });

export const DeviceListQuery = Type.Object({
  search: Type.Optional(Type.String({ description: 'text in the id or the name (ASCII letters in any case)' })),
  status: Type.Optional(DeviceStatusSchema),
  site: Type.Optional(Type.Integer({ minimum: 1, description: 'CWMs at this site' })),
  tag: Type.Optional(Type.String({ maxLength: 64, description: 'CWMs with this tag' })),
  sort: Type.Optional(StringEnum(DEVICE_SORT_VALUES, { description: 'id by default' })),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const, { description: 'asc by default' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: DEVICE_PAGE_DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
});

export const DeviceSchema = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  status: DeviceStatusSchema,
  isDisabled: Type.Boolean(),
  isRegistered: Type.Boolean({ description: 'whether it has a provisioning key' }),
  lastSeenAt: Nullable(IsoTime()),
  expectedIntervalS: Type.Integer({ description: 'the usual interval between its requests, in seconds' }),
  okeIds: Type.Array(Type.String(), { description: 'the origin devices seen behind it' }),
  queuedCount: Type.Integer(),
  okmCount: Type.Integer(),
  crcFailureCount: Type.Integer(),
  replaysRefusedCount: Type.Integer({ description: 'signed pulls refused as replays (ERR_REPLAYED_REQUEST)' }),
  lastRemoteAddress: Nullable(Type.String()),
  timeZone: Nullable(Type.String({ description: 'an IANA time zone' })),
  siteId: Nullable(Type.Integer({ description: 'the site it is at (GET /api/v1/sites/:id)' })),
});

export const DevicePageSchema = Type.Object({ items: Type.Array(DeviceSchema), total: Type.Integer() });

export const NewDeviceBody = Type.Object(
  {
    id: Type.String({ description: 'the CWM id' }),
    name: Type.Optional(Type.String()),
    key: Type.Optional(Type.String({ description: 'the provisioning key; generated when absent' })),
  },
  { additionalProperties: false },
);

export const CreatedDeviceSchema = Type.Object({ device: DeviceSchema, key: Type.String() });

export const DeviceChangesBody = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String())),
    isDisabled: Type.Optional(Type.Boolean()),
    timeZone: Type.Optional(Nullable(Type.String({ description: 'an IANA time zone (else ERR_TIME_ZONE_INVALID)' }))),
  },
  { additionalProperties: false },
);

export const RotateKeyBody = Type.Object(
  { key: Type.Optional(Type.String({ description: 'the new key; generated when absent' })) },
  { additionalProperties: false },
);

export const RotatedKeySchema = Type.Object({ key: Type.String() });

/** The latest heartbeat of one origin: the CWM itself or one OKE behind it. */
export const OriginStateSchema = Type.Object({
  deviceId: Type.String(),
  isCwm: Type.Boolean(),
  lastSeenAt: Nullable(IsoTime()),
  lastHeartbeatAt: Nullable(IsoTime()),
  fields: JsonObject({ description: 'the latest heartbeat fields' }),
});

/** The CWM's own diagnostics from its last heartbeat (PROTOCOL.md Part B 5), as it sent them. */
export const DiagnosticsSchema = Type.Object(
  {
    diag: Type.Optional(Type.Unknown({ description: '4 counters' })),
    port: Type.Optional(Type.Unknown()),
    baud: Type.Optional(Type.Unknown()),
    if: Type.Optional(Type.Unknown()),
    '5v': Type.Optional(Type.Unknown()),
    '12v': Type.Optional(Type.Unknown()),
    ti: Type.Optional(Type.Unknown()),
    msf: Type.Optional(Type.Unknown()),
    cfgpend: Type.Optional(Type.Unknown()),
    scan: Type.Optional(Type.Unknown()),
    rcon: Type.Optional(Type.Unknown()),
  },
  { description: 'the members of the heartbeat present, as sent' },
);

export const DeviceDetailSchema = Type.Object({
  device: DeviceSchema,
  states: Type.Array(OriginStateSchema),
  diagnostics: Nullable(DiagnosticsSchema),
});
