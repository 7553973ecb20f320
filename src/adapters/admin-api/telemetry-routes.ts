// Telemetry of one CWM and its OKEs: numeric fields, downsampled series, raw OKM export (CSV, NDJSON).

import type { Clock } from '../../domain/clock.js';
import { MAX_SERIES_DEVICES, type TelemetryReader } from '../../domain/telemetry-reader.js';
import { invalid } from './api-errors.js';
import { isValidDeviceId } from '../../protocol/device-id.js';
import type { AdminApi } from './admin-api-instance.js';
import type { SameType } from './schema-parity.js';
import { errorResponses } from './schemas/common-schemas.js';
import { DeviceIdParams } from './schemas/device-schemas.js';
import {
  DeviceSeriesQuery, DeviceSeriesSchema, FleetSeriesQuery, FleetSeriesSchema, MAX_SERIES_DEVICES as SCHEMA_MAX_SERIES_DEVICES, OkmExportQuery, OkmExportSchema, OkmsPerMinuteSchema,
  OriginFieldsSchema, TimeRangeQuery,
} from './schemas/telemetry-schemas.js';

// The schema's documented limit is the domain's, checked by the compiler (the schema files import only TypeBox).
const seriesLimitsMatch: SameType<typeof SCHEMA_MAX_SERIES_DEVICES, typeof MAX_SERIES_DEVICES> = true;
void seriesLimitsMatch;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface TelemetryRouteDeps {
  readonly telemetryReader: TelemetryReader;
  readonly clock: Clock;
}

/** A time of the query string (the schema checked that it parses), or `fallbackMs` when absent. */
function timeOf(text: string | undefined, fallbackMs: number): number {
  return text === undefined ? fallbackMs : Date.parse(text);
}

const POINTS_DEFAULT = 200;

export function registerTelemetryRoutes(api: AdminApi, deps: TelemetryRouteDeps): void {
  api.get('/devices/:id/fields', { schema: { summary: 'Numeric heartbeat fields per origin device', params: DeviceIdParams, response: { 200: OriginFieldsSchema, ...errorResponses(404) } } }, async (request) => {
    const { id } = request.params;
    const origins = await deps.telemetryReader.listNumericFields(id);
    return { origins: origins.map((origin) => ({ deviceId: origin.deviceId, numericFields: [...origin.numericFields] })) };
  });

  const deviceSeriesSchema = {
    summary: 'Downsampled series of one field: raw OKMs up to 6 h, else minute or hour rollups',
    params: DeviceIdParams, querystring: DeviceSeriesQuery, response: { 200: DeviceSeriesSchema, ...errorResponses(400, 404) },
  };
  api.get('/devices/:id/telemetry', { schema: deviceSeriesSchema }, async (request) => {
    const { id } = request.params;
    const query = request.query;
    const field = query.field;
    const origin = query.origin ?? id;
    const nowMs = deps.clock.nowMs();
    const toMs = timeOf(query.to, nowMs);
    const fromMs = timeOf(query.from, toMs - 3_600_000);
    if (fromMs >= toMs) throw invalid('"from" must be before "to"');
    const points = query.points ?? POINTS_DEFAULT;
    const series = await deps.telemetryReader.readDeviceSeries(id, origin, { field, fromMs, toMs, points });
    return {
      origin,
      field,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      // raw OKMs, or minute or hour rollups (and raw OKMs for the minutes not in rollups yet)
      source: series.source,
      bucketS: series.bucketMs / 1000,
      points: series.points.map((p) => ({ t: new Date(p.bucketStartMs).toISOString(), min: p.min, max: p.max, avg: p.avg, n: p.count })),
    };
  });

  // One heartbeat field over a set of devices (an OKE fleet, a site's fryers), from rollups.
  const fleetSeriesSchema = {
    summary: 'One heartbeat field over a set of devices (comma-separated ids, at most 5000), from rollups: min, max, avg, sum of device means',
    querystring: FleetSeriesQuery, response: { 200: FleetSeriesSchema, ...errorResponses(400) },
  };
  api.get('/series', { schema: fleetSeriesSchema }, async (request) => {
    const query = request.query;
    const field = query.field;
    const devices = query.devices.split(',').map((id) => id.trim()).filter((id) => id !== '');
    if (devices.length === 0) throw invalid('"devices" must list device ids, separated by commas');
    if (devices.length > MAX_SERIES_DEVICES) throw invalid(`"devices" may list at most ${MAX_SERIES_DEVICES} devices`);
    if (!devices.every(isValidDeviceId)) throw invalid('"devices" must be device ids (1 to 64 printable characters, no space, quote or backslash), separated by commas');
    const nowMs = deps.clock.nowMs();
    const toMs = timeOf(query.to, nowMs);
    const fromMs = timeOf(query.from, toMs - 86_400_000);
    if (fromMs >= toMs) throw invalid('"from" must be before "to"');
    const points = query.points ?? POINTS_DEFAULT;
    const series = await deps.telemetryReader.readFleetSeries(devices, { field, fromMs, toMs, points });
    return {
      field,
      devices: devices.length,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      source: series.source,
      bucketS: series.bucketMs / 1000,
      // avg, min, max over every sample of every device; sum: the devices' means added up; devices: how many reported
      points: series.points.map((p) => ({ t: new Date(p.bucketStartMs).toISOString(), min: p.min, max: p.max, avg: p.avg, sum: p.sumOfMeans, n: p.count, devices: p.devices })),
    };
  });

  // The fleet's stored OKMs per minute over any range the minute rollups keep.
  const perMinuteSchema = { summary: "The fleet's stored OKMs per minute (rollups; at most 31 days)", querystring: TimeRangeQuery, response: { 200: OkmsPerMinuteSchema, ...errorResponses(400) } };
  api.get('/fleet/okms-per-minute', { schema: perMinuteSchema }, async (request) => {
    const query = request.query;
    const nowMs = deps.clock.nowMs();
    const toMs = timeOf(query.to, nowMs);
    const fromMs = timeOf(query.from, toMs - 3_600_000);
    if (fromMs >= toMs) throw invalid('"from" must be before "to"');
    const counts = await deps.telemetryReader.countOkmsPerMinute(fromMs, toMs);
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), minutes: counts.map(([t, n]) => ({ t: new Date(t).toISOString(), n })) };
  });

  const exportSchema = {
    summary: 'Raw OKMs of a time range as CSV or NDJSON', params: DeviceIdParams, querystring: OkmExportQuery,
    response: { 200: { description: 'text/csv or application/x-ndjson', content: { 'text/csv': { schema: OkmExportSchema }, 'application/x-ndjson': { schema: OkmExportSchema } } }, ...errorResponses(400, 404) },
  };
  api.get('/devices/:id/okms', { schema: exportSchema }, async (request, reply) => {
    const { id } = request.params;
    const query = request.query;
    const nowMs = deps.clock.nowMs();
    const toMs = timeOf(query.to, nowMs + 1);
    const fromMs = timeOf(query.from, toMs - 86_400_000);
    const format = query.format ?? 'ndjson';
    const okms = await deps.telemetryReader.exportOkms(id, fromMs, toMs);
    const name = `${id}-${new Date(fromMs).toISOString().slice(0, 10)}.${format}`;
    reply.header('content-disposition', `attachment; filename="${name}"`);
    if (format === 'ndjson') {
      reply.type('application/x-ndjson');
      return okms.map((okm) => JSON.stringify({ receivedAt: new Date(okm.receivedAtMs).toISOString(), cwmId: okm.cwmId, originId: okm.originId, crc: okm.crcVerdict, auth: okm.auth, okm: okm.rawOkm })).join('\n') + (okms.length ? '\n' : '');
    }
    reply.type('text/csv; charset=utf-8');
    const header = 'received_at,cwm_id,origin_id,cmd,okm_id,ts,crc_verdict,auth,okm\n';
    return header + okms.map((o) => [new Date(o.receivedAtMs).toISOString(), o.cwmId, o.originId, o.cmd, o.okmId, o.ts, o.crcVerdict, o.auth, o.rawOkm].map(csvCell).join(',')).join('\n') + (okms.length ? '\n' : '');
  });
}
