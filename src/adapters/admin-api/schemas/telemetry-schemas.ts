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

/** What the dictionary says of a charted field (issue 15): the axis label and unit; null when it is not a number field of the origin's model. */
export const SeriesFieldMeaningSchema = Type.Object({
  label: Type.String(),
  unit: Nullable(Type.String({ description: 'UCUM code' })),
  unitSymbol: Nullable(Type.String()),
  isHaccp: Type.Boolean(),
  min: Nullable(Type.Number({ description: 'lowest plausible decoded value' })),
  max: Nullable(Type.Number({ description: 'highest plausible decoded value' })),
});

export const DecodedSeriesPointSchema = Type.Object({
  t: IsoTime({ description: 'the bucket start' }),
  min: Nullable(Type.Number({ description: 'raw' })),
  max: Nullable(Type.Number({ description: 'raw' })),
  avg: Nullable(Type.Number({ description: 'raw' })),
  n: Type.Integer({ description: 'samples in the bucket' }),
  value: Nullable(Type.Object({ min: Type.Number(), max: Type.Number(), avg: Type.Number() }, { description: 'decoded with the dictionary (raw * scale + offset); null without a dictionary field' })),
});

export const DeviceSeriesSchema = Type.Object({
  origin: Type.String(),
  field: Type.String(),
  dictionaryField: Nullable(SeriesFieldMeaningSchema),
  from: IsoTime(),
  to: IsoTime(),
  source: SeriesSource,
  bucketS: Type.Number(),
  points: Type.Array(DecodedSeriesPointSchema),
});

export const MAX_SERIES_DEVICES = 5000;

export const FleetSeriesQuery = Type.Object({
  field: HeartbeatField,
  devices: Type.Optional(Type.String({ description: `device ids separated by commas, at most ${MAX_SERIES_DEVICES}; or give site and/or model instead` })),
  site: Type.Optional(Type.Integer({ minimum: 1, description: 'every equipment at this site (with `model`: of that model)' })),
  model: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{4}$', description: 'every equipment of this model (with `site`: at that site)' })),
  from: Type.Optional(From),
  to: Type.Optional(To),
  points: Type.Optional(Points),
});

export const FleetSeriesSchema = Type.Object({
  field: Type.String(),
  dictionaryField: Nullable(SeriesFieldMeaningSchema),
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
      value: Nullable(Type.Object({ min: Type.Number(), max: Type.Number(), avg: Type.Number() }, { description: 'min, max, avg decoded with `model`\'s dictionary; null without `model` or a number field' })),
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
  layout: Type.Optional(
    StringEnum(['okms', 'fields'] as const, {
      description: 'okms (default): one line per OKM (NDJSON adds `decoded`: each heartbeat field decoded with its model); fields: one line per heartbeat field with raw and decoded value, label and unit (for spreadsheets)',
    }),
  ),
});

export const OkmExportSchema = Type.String({ description: 'the raw OKMs as CSV or NDJSON, one per line' });
