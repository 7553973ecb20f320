// Telemetry of one CWM and its OKEs: numeric fields, downsampled series, raw OKM export (CSV, NDJSON).

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import type { Store } from '../../domain/store.js';
import { OpenTpsError } from '../../errors.js';
import { invalid } from './api-errors.js';
import { queryInteger, queryOf, queryTime } from './request-input.js';
import type { RollupFolder } from '../../domain/rollup-folder.js';
import { isValidDeviceId } from '../../protocol/device-id.js';
import type { OpenTpsConfig } from '../../config/config-schema.js';
import { readDeviceSeries, readFleetOkmsPerMinute, readFleetSeries, type SeriesContext } from '../../domain/series-reader.js';

const FIELD = /^[A-Za-z0-9_]{1,64}$/;
const EXPORT_LIMIT = 100_000;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface TelemetryRouteDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly rollups: Pick<RollupFolder, 'writtenThroughMs'>;
  readonly config: Pick<OpenTpsConfig, 'minuteRollupRetentionDays'>;
}

/** Devices one fleet-wide series may name. */
const MAX_SERIES_DEVICES = 5000;

export function registerTelemetryRoutes(api: FastifyInstance, deps: TelemetryRouteDeps): void {
  const seriesContext = (): SeriesContext => ({
    nowMs: deps.clock.nowMs(),
    minuteRollupRetentionDays: deps.config.minuteRollupRetentionDays,
    rollupsWrittenThroughMs: deps.rollups.writtenThroughMs,
  });

  const requireDevice = async (id: string): Promise<void> => {
    if (!(await deps.store.findDevice(id))) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
  };

  api.get('/devices/:id/fields', async (request) => {
    const { id } = request.params as { id: string };
    await requireDevice(id);
    const states = await deps.store.listDeviceStates(id);
    return {
      origins: states.map((state) => ({
        deviceId: state.deviceId,
        numericFields: Object.entries(state.latestFields).filter(([, v]) => typeof v === 'number').map(([k]) => k).sort(),
      })),
    };
  });

  api.get('/devices/:id/telemetry', async (request) => {
    const { id } = request.params as { id: string };
    await requireDevice(id);
    const query = queryOf(request);
    const field = query['field'] ?? '';
    if (!FIELD.test(field)) throw invalid('"field" must be a heartbeat field name (letters, digits, _)');
    const origin = query['origin'] ?? id;
    const nowMs = deps.clock.nowMs();
    const toMs = queryTime(query, 'to', nowMs);
    const fromMs = queryTime(query, 'from', toMs - 3_600_000);
    if (fromMs >= toMs) throw invalid('"from" must be before "to"');
    const points = queryInteger(query, 'points', 200, 1, 5000);
    const series = await readDeviceSeries(deps.store, origin, { field, fromMs, toMs, points }, seriesContext());
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
  api.get('/series', async (request) => {
    const query = queryOf(request);
    const field = query['field'] ?? '';
    if (!FIELD.test(field)) throw invalid('"field" must be a heartbeat field name (letters, digits, _)');
    const devices = (query['devices'] ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
    if (devices.length === 0) throw invalid('"devices" must list device ids, separated by commas');
    if (devices.length > MAX_SERIES_DEVICES) throw invalid(`"devices" may list at most ${MAX_SERIES_DEVICES} devices`);
    if (!devices.every(isValidDeviceId)) throw invalid('"devices" must be device ids (1 to 64 printable characters, no space, quote or backslash), separated by commas');
    const nowMs = deps.clock.nowMs();
    const toMs = queryTime(query, 'to', nowMs);
    const fromMs = queryTime(query, 'from', toMs - 86_400_000);
    if (fromMs >= toMs) throw invalid('"from" must be before "to"');
    const points = queryInteger(query, 'points', 200, 1, 5000);
    const series = await readFleetSeries(deps.store, devices, { field, fromMs, toMs, points }, seriesContext());
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
  api.get('/fleet/okms-per-minute', async (request) => {
    const query = queryOf(request);
    const nowMs = deps.clock.nowMs();
    const toMs = queryTime(query, 'to', nowMs);
    const fromMs = queryTime(query, 'from', toMs - 3_600_000);
    if (fromMs >= toMs) throw invalid('"from" must be before "to"');
    if (toMs - fromMs > 31 * 86_400_000) throw invalid('a range of at most 31 days');
    const counts = await readFleetOkmsPerMinute(deps.store, fromMs, toMs, deps.rollups.writtenThroughMs);
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), minutes: counts.map(([t, n]) => ({ t: new Date(t).toISOString(), n })) };
  });

  api.get('/devices/:id/okms', async (request, reply) => {
    const { id } = request.params as { id: string };
    await requireDevice(id);
    const query = queryOf(request);
    const nowMs = deps.clock.nowMs();
    const toMs = queryTime(query, 'to', nowMs + 1);
    const fromMs = queryTime(query, 'from', toMs - 86_400_000);
    const format = query['format'] ?? 'ndjson';
    if (format !== 'csv' && format !== 'ndjson') throw invalid('"format" must be csv or ndjson');
    const okms = await deps.store.listOkmsInRange(id, fromMs, toMs, EXPORT_LIMIT);
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
