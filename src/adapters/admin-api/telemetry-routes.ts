// Telemetry of one CWM and its OKEs: numeric fields, downsampled series, raw OKM export (CSV, NDJSON).

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import type { Store } from '../../domain/store.js';
import { OpenTpsError } from '../../errors.js';
import { invalid } from './api-errors.js';
import { queryInteger, queryOf, queryTime } from './request-input.js';

const FIELD = /^[A-Za-z0-9_]{1,64}$/;
const EXPORT_LIMIT = 100_000;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function registerTelemetryRoutes(api: FastifyInstance, deps: { store: Store; clock: Clock }): void {
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
    const bucketMs = Math.max(1000, Math.ceil((toMs - fromMs) / points));
    const series = await deps.store.querySeries({ originId: origin, field, fromMs, toMs, bucketMs });
    return {
      origin,
      field,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      bucketS: bucketMs / 1000,
      points: series.map((p) => ({ t: new Date(p.bucketStartMs).toISOString(), min: p.min, max: p.max, avg: p.avg, n: p.count })),
    };
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
