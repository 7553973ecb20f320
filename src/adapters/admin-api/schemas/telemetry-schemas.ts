// Telemetry: numeric fields per origin, a device's downsampled series, a fleet series, the fleet's OKMs per
// minute, and the raw OKM export (docs/api.md "Telemetry").

import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable, StringEnum } from './common-schemas.js';

const HeartbeatField = Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'a heartbeat field name (letters, digits, _; at most 64)' });
const Points = Type.Integer({ minimum: 1, maximum: 5000, default: 200, description: 'buckets wanted' });
const From = IsoTime({ description: 'the start of the range (ISO-8601)' });
const To = IsoTime({ description: 'the end of the range (ISO-8601); now by default' });
const SeriesSource = StringEnum(['raw', 'minute', 'hour'] as const, { description: 'raw OKMs, or minute or hour rollups (and raw OKMs for the minutes not in rollups yet)' });

export const OriginFieldsSchema = Type.Object({
  origins: Type.Array(Type.Object({ deviceId: Type.String(), numericFields: Type.Array(Type.String()) })),
});

export const DeviceSeriesQuery = Type.Object({
  origin: Type.Optional(Type.String({ description: 'the origin device; the CWM itself by default' })),
  field: HeartbeatField,
  from: Type.Optional(From),
  to: Type.Optional(To),
  points: Type.Optional(Points),
});

export const SeriesPointSchema = Type.Object({
  t: IsoTime({ description: 'the bucket start' }),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  avg: Nullable(Type.Number()),
  n: Type.Integer({ description: 'samples in the bucket' }),
});

export const DeviceSeriesSchema = Type.Object({
  origin: Type.String(),
  field: Type.String(),
  from: IsoTime(),
  to: IsoTime(),
  source: SeriesSource,
  bucketS: Type.Number(),
  points: Type.Array(SeriesPointSchema),
});

export const MAX_SERIES_DEVICES = 5000;

export const FleetSeriesQuery = Type.Object({
  field: HeartbeatField,
  devices: Type.String({ description: `device ids separated by commas, at most ${MAX_SERIES_DEVICES}` }),
  from: Type.Optional(From),
  to: Type.Optional(To),
  points: Type.Optional(Points),
});

export const FleetSeriesSchema = Type.Object({
  field: Type.String(),
  devices: Type.Integer({ description: 'devices named' }),
  from: IsoTime(),
  to: IsoTime(),
  source: SeriesSource,
  bucketS: Type.Number(),
  points: Type.Array(
    Type.Object({
      t: IsoTime({ description: 'the bucket start' }),
      min: Nullable(Type.Number()),
      max: Nullable(Type.Number()),
      avg: Nullable(Type.Number({ description: 'over every sample of every device' })),
      sum: Nullable(Type.Number({ description: "the devices' means added up" })),
      n: Type.Integer(),
      devices: Type.Integer({ description: 'devices that reported' }),
    }),
  ),
});

export const TimeRangeQuery = Type.Object({ from: Type.Optional(From), to: Type.Optional(To) });

export const OkmsPerMinuteSchema = Type.Object({
  from: IsoTime(),
  to: IsoTime(),
  minutes: Type.Array(Type.Object({ t: IsoTime(), n: Type.Integer() })),
});

export const OkmExportQuery = Type.Object({
  from: Type.Optional(From),
  to: Type.Optional(To),
  format: Type.Optional(StringEnum(['csv', 'ndjson'] as const, { description: 'ndjson by default' })),
});

export const OkmExportSchema = Type.String({ description: 'the raw OKMs as CSV or NDJSON, one per line' });
