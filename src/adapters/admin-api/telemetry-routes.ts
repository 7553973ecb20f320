// Telemetry of one CWM and its OKEs: numeric fields, downsampled series, raw OKM export (CSV, NDJSON).

import type { FastifyReply } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import type { SiteDirectory } from '../../domain/sites/site-directory.js';
import { SiteIdParams } from './schemas/site-schemas.js';
import type { EquipmentModel } from '../../domain/equipment-model/data-dictionary.js';
import { fieldsByKey } from '../../domain/equipment-model/dictionary-index.js';
import type { ModelCatalog } from '../../domain/equipment-model/model-catalog.js';
import { decodeLatestValues, type DecodedValue } from '../../domain/equipment/decoded-values.js';
import { decodeStats, seriesMeaningOf } from '../../domain/equipment/decoded-series.js';
import { modelIdOfOrigin } from '../../domain/equipment/equipment-model-of.js';
import type { StoredOkm } from '../../domain/telemetry-store.js';
import type { EquipmentStore } from '../../domain/equipment/equipment-store.js';
import { MAX_SERIES_DEVICES, type TelemetryReader } from '../../domain/telemetry-reader.js';
import { invalid } from './api-errors.js';
import { isValidDeviceId } from '../../protocol/device-id.js';
import { isJsonObject } from '../../protocol/upstream-okm.js';
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

/**
 * The ids of the equipment at a site and/or of a model, for a fleet chart: at most MAX_SERIES_DEVICES + 1 read (one
 * more tells that there are too many). @throws ERR_API_INVALID when neither is given or too many match
 */
async function equipmentIdsOf(store: Pick<EquipmentStore, 'queryEquipment'>, siteId: number | null, modelId: string | null, nowMs: number): Promise<string[]> {
  if (siteId === null && modelId === null) throw invalid('name the devices ("devices"), or a "site" and/or a "model"');
  const page = await store.queryEquipment(
    { search: null, modelId, siteId, tag: null, cwmId: null, status: null, sort: 'id', order: 'asc', limit: MAX_SERIES_DEVICES + 1, offset: 0 },
    nowMs,
  );
  if (page.items.length > MAX_SERIES_DEVICES) throw invalid(`${page.total} equipment match "site" and "model"; a chart takes at most ${MAX_SERIES_DEVICES}`);
  return page.items.map((item) => item.id);
}

export interface TelemetryRouteDeps {
  readonly telemetryReader: TelemetryReader;
  readonly clock: Clock;
  /** Dictionaries to decode with (issue 15: decoding happens on read). */
  readonly modelCatalog: ModelCatalog;
  readonly siteDirectory: SiteDirectory;
  /** Equipment by site and model, for fleet charts named that way. */
  readonly equipmentStore: Pick<EquipmentStore, 'queryEquipment' | 'findEquipment'>;
}

/** The model an origin's values are decoded with, null when none is defined. */
async function modelOf(catalog: Pick<ModelCatalog, 'modelsById'>, originId: string, cwmId: string): Promise<EquipmentModel | null> {
  const modelId = modelIdOfOrigin(originId, cwmId);
  return modelId === null ? null : ((await catalog.modelsById()).get(modelId) ?? null);
}

/** The heartbeat of a stored OKM (`_pld._hbt`), null for any other OKM. */
function heartbeatOfStored(payload: Record<string, unknown> | null): Record<string, unknown> | null {
  const heartbeat = payload?.['_hbt'];
  return isJsonObject(heartbeat) ? heartbeat : null;
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
    const [series, model] = await Promise.all([deps.telemetryReader.readDeviceSeries(id, origin, { field, fromMs, toMs, points }), modelOf(deps.modelCatalog, origin, id)]);
    const dictionaryField = model === null ? undefined : fieldsByKey(model).get(field);
    const meaning = seriesMeaningOf(dictionaryField);
    return {
      origin,
      field,
      dictionaryField: meaning,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      // raw OKMs, or minute or hour rollups (and raw OKMs for the minutes not in rollups yet)
      source: series.source,
      bucketS: series.bucketMs / 1000,
      points: series.points.map((p) => ({
        t: new Date(p.bucketStartMs).toISOString(), min: p.min, max: p.max, avg: p.avg, n: p.count,
        value: meaning === null || dictionaryField === undefined ? null : decodeStats(dictionaryField, p),
      })),
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
    const devices = query.devices === undefined ? await equipmentIdsOf(deps.equipmentStore, query.site ?? null, query.model?.toLowerCase() ?? null, deps.clock.nowMs()) : query.devices.split(',').map((id) => id.trim()).filter((id) => id !== '');
    if (devices.length === 0) throw invalid(query.devices === undefined ? 'no equipment matches "site" and "model"; name "devices" or another site or model' : '"devices" must list device ids, separated by commas');
    if (devices.length > MAX_SERIES_DEVICES) throw invalid(`"devices" may list at most ${MAX_SERIES_DEVICES} devices`);
    if (!devices.every(isValidDeviceId)) throw invalid('"devices" must be device ids (1 to 64 printable characters, no space, quote or backslash), separated by commas');
    const nowMs = deps.clock.nowMs();
    const toMs = timeOf(query.to, nowMs);
    const fromMs = timeOf(query.from, toMs - 86_400_000);
    if (fromMs >= toMs) throw invalid('"from" must be before "to"');
    const points = query.points ?? POINTS_DEFAULT;
    const [series, models] = await Promise.all([deps.telemetryReader.readFleetSeries(devices, { field, fromMs, toMs, points }), deps.modelCatalog.modelsById()]);
    // Decoded only when one model is named: devices of several models may scale the same key differently.
    const model = query.model === undefined ? undefined : models.get(query.model.toLowerCase());
    const dictionaryField = model === undefined ? undefined : fieldsByKey(model).get(field);
    const meaning = seriesMeaningOf(dictionaryField);
    return {
      field,
      dictionaryField: meaning,
      devices: devices.length,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      source: series.source,
      bucketS: series.bucketMs / 1000,
      // avg, min, max over every sample of every device; sum: the devices' means added up; devices: how many reported
      points: series.points.map((p) => ({
        t: new Date(p.bucketStartMs).toISOString(), min: p.min, max: p.max, avg: p.avg, sum: p.sumOfMeans, n: p.count, devices: p.devices,
        value: meaning === null || dictionaryField === undefined ? null : decodeStats(dictionaryField, p),
      })),
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
    const [okms, models] = await Promise.all([deps.telemetryReader.exportOkms(id, fromMs, toMs), deps.modelCatalog.modelsById()]);
    return sendOkmExport(reply, { okms, models, format: query.format ?? 'ndjson', layout: query.layout ?? 'okms', name: `${id}-${new Date(fromMs).toISOString().slice(0, 10)}` });
  });

  const siteExportSchema = {
    summary: 'The OKMs of every CWM at a site over a time range, as CSV or NDJSON (at most 100,000)', params: SiteIdParams, querystring: OkmExportQuery,
    response: { 200: { description: 'text/csv or application/x-ndjson', content: { 'text/csv': { schema: OkmExportSchema }, 'application/x-ndjson': { schema: OkmExportSchema } } }, ...errorResponses(400, 404) },
  };
  api.get('/sites/:id/okms', { schema: siteExportSchema }, async (request, reply) => {
    const { id } = request.params;
    const query = request.query;
    const nowMs = deps.clock.nowMs();
    const toMs = timeOf(query.to, nowMs + 1);
    const fromMs = timeOf(query.from, toMs - 86_400_000);
    const site = await deps.siteDirectory.get(id);
    const [okms, models] = await Promise.all([deps.telemetryReader.exportSiteOkms(id, fromMs, toMs), deps.modelCatalog.modelsById()]);
    const slug = site.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || `site-${id}`;
    return sendOkmExport(reply, { okms, models, format: query.format ?? 'ndjson', layout: query.layout ?? 'okms', name: `${slug}-${new Date(fromMs).toISOString().slice(0, 10)}` });
  });
}

interface OkmExport {
  readonly okms: readonly StoredOkm[];
  readonly models: ReadonlyMap<string, EquipmentModel>;
  readonly format: 'csv' | 'ndjson';
  readonly layout: 'okms' | 'fields';
  /** The file name without extension. */
  readonly name: string;
}

/** Writes OKMs as an attachment in the asked format and layout, heartbeat values decoded with their models. */
function sendOkmExport(reply: FastifyReply, { okms, models, format, layout, name: baseName }: OkmExport): string {
  const decodedOf = (okm: StoredOkm): DecodedValue[] | null => {
    const heartbeat = heartbeatOfStored(okm.payload);
    if (heartbeat === null) return null;
    const modelId = modelIdOfOrigin(okm.originId, okm.cwmId);
    return decodeLatestValues(modelId === null ? null : (models.get(modelId) ?? null), heartbeat);
  };
  const name = `${baseName}${layout === 'fields' ? '-fields' : ''}.${format}`;
  reply.header('content-disposition', `attachment; filename="${name}"`);
  const lines: string[] = [];
  if (layout === 'fields') {
    // One line per heartbeat field: what a spreadsheet filters and pivots.
    if (format === 'csv') lines.push('received_at,cwm_id,origin_id,okm_id,field,label,raw,value,unit,display,mismatch,haccp');
    for (const okm of okms) {
      const receivedAt = new Date(okm.receivedAtMs).toISOString();
      for (const v of decodedOf(okm) ?? []) {
        const raw = typeof v.raw === 'string' ? v.raw : JSON.stringify(v.raw);
        const value = typeof v.value === 'string' || typeof v.value === 'number' ? v.value : JSON.stringify(v.value);
        if (format === 'csv') lines.push([receivedAt, okm.cwmId, okm.originId, okm.okmId, v.key, v.label, raw, value, v.unit, v.display, v.isMismatch ? 'true' : 'false', v.isHaccp ? 'true' : 'false'].map(csvCell).join(','));
        else lines.push(JSON.stringify({ receivedAt, cwmId: okm.cwmId, originId: okm.originId, okmId: okm.okmId, field: v.key, label: v.label, raw: v.raw, value: v.value, unit: v.unit, display: v.display, isMismatch: v.isMismatch, isHaccp: v.isHaccp }));
      }
    }
  } else if (format === 'ndjson') {
    for (const okm of okms) {
      const decoded = decodedOf(okm);
      lines.push(JSON.stringify({
        receivedAt: new Date(okm.receivedAtMs).toISOString(), cwmId: okm.cwmId, originId: okm.originId, crc: okm.crcVerdict, auth: okm.auth, okm: okm.rawOkm,
        ...(decoded === null ? {} : { decoded: Object.fromEntries(decoded.map((v) => [v.key, { value: v.value, unit: v.unit, display: v.display, ...(v.isMismatch ? { isMismatch: true } : {}) }])) }),
      }));
    }
  } else {
    lines.push('received_at,cwm_id,origin_id,cmd,okm_id,ts,crc_verdict,auth,okm');
    for (const o of okms) lines.push([new Date(o.receivedAtMs).toISOString(), o.cwmId, o.originId, o.cmd, o.okmId, o.ts, o.crcVerdict, o.auth, o.rawOkm].map(csvCell).join(','));
  }
  reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
