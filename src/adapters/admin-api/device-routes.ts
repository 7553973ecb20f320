// /api/v1/devices: the fleet table (filter, sort, page), one device's details, and operator changes.

import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import type { DeviceRegistry } from '../../domain/device-registry.js';
import { deriveDeviceStatus } from '../../domain/device-status.js';
import type { Store } from '../../domain/store.js';
import { OpenTpsError } from '../../errors.js';
import { isKnownTimeZone } from '../../protocol/time-answer.js';
import { diagnosticsOf, isoOrNull, toDeviceView } from './api-views.js';
import { invalid } from './api-errors.js';
import { bodyOf, optionalString, queryInteger, queryOf } from './request-input.js';

export interface DeviceRouteDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly registry: DeviceRegistry;
  readonly audit: AuditLog;
}

const SORTS = {
  id: (d: { id: string }) => d.id,
  name: (d: { name: string | null }) => (d.name ?? '').toLowerCase(),
  lastSeen: (d: { lastSeenAtMs: number | null }) => d.lastSeenAtMs ?? -1,
  queued: (d: { queuedCount: number }) => d.queuedCount,
  crcFailures: (d: { crcFailureCount: number }) => d.crcFailureCount,
} as const;

export function registerDeviceRoutes(api: FastifyInstance, deps: DeviceRouteDeps): void {
  api.get('/devices', async (request) => {
    const query = queryOf(request);
    const sortName = query['sort'] ?? 'id';
    if (!(sortName in SORTS)) throw invalid(`"sort" must be one of ${Object.keys(SORTS).join(', ')}`);
    const order = query['order'] ?? 'asc';
    if (order !== 'asc' && order !== 'desc') throw invalid('"order" must be asc or desc');
    const status = query['status'];
    if (status !== undefined && !['online', 'offline', 'never-seen'].includes(status)) throw invalid('"status" must be online, offline or never-seen');
    const limit = queryInteger(query, 'limit', 50, 1, 1000);
    const offset = queryInteger(query, 'offset', 0, 0, 10_000_000);
    const search = (query['search'] ?? '').toLowerCase();
    const nowMs = deps.clock.nowMs();
    const key = SORTS[sortName as keyof typeof SORTS] as (d: unknown) => string | number;
    const matching = (await deps.store.listDevices(nowMs))
      .filter((d) => !search || d.id.toLowerCase().includes(search) || (d.name ?? '').toLowerCase().includes(search))
      .filter((d) => !status || deriveDeviceStatus(d.lastSeenAtMs, d.typicalIntervalMs, nowMs) === status)
      .sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        const compared = x < y ? -1 : x > y ? 1 : a.id.localeCompare(b.id);
        return order === 'asc' ? compared : -compared;
      });
    const page = matching.slice(offset, offset + limit);
    const items = await Promise.all(page.map(async (d) => toDeviceView(d, d.queuedCount, await deps.store.listDeviceStates(d.id), nowMs)));
    return { items, total: matching.length };
  });

  api.post('/devices', async (request, reply) => {
    const body = bodyOf(request);
    const id = optionalString(body, 'id');
    if (id === undefined) throw invalid('"id" is required');
    const added = await deps.registry.addDevice({ id, name: optionalString(body, 'name'), key: optionalString(body, 'key') });
    await deps.audit.record(request.operatorName ?? '-', 'device.add', id, { name: added.device.name });
    const view = toDeviceView(added.device, 0, [], deps.clock.nowMs());
    return reply.code(201).send({ device: view, key: added.key });
  });

  api.get('/devices/:id', async (request) => {
    const { id } = request.params as { id: string };
    const device = await deps.store.findDevice(id);
    if (!device) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
    const nowMs = deps.clock.nowMs();
    const states = await deps.store.listDeviceStates(id);
    const queued = (await deps.store.listMessages(id, nowMs)).filter((m) => m.state === 'queued').length;
    return {
      device: toDeviceView(device, queued, states, nowMs),
      states: states.map((state) => ({
        deviceId: state.deviceId,
        isCwm: state.deviceId === id,
        lastSeenAt: isoOrNull(state.lastSeenAtMs),
        lastHeartbeatAt: isoOrNull(state.lastHeartbeatAtMs),
        fields: state.latestFields,
      })),
      diagnostics: diagnosticsOf(states, id),
    };
  });

  api.patch('/devices/:id', async (request) => {
    const { id } = request.params as { id: string };
    const body = bodyOf(request);
    const changes: { name?: string | null; isDisabled?: boolean; timeZone?: string | null } = {};
    if (body['name'] !== undefined) {
      if (body['name'] !== null && typeof body['name'] !== 'string') throw invalid('"name" must be a string or null');
      changes.name = body['name'];
    }
    if (body['isDisabled'] !== undefined) {
      if (typeof body['isDisabled'] !== 'boolean') throw invalid('"isDisabled" must be true or false');
      changes.isDisabled = body['isDisabled'];
    }
    if (body['timeZone'] !== undefined) {
      const zone = body['timeZone'];
      if (zone !== null && (typeof zone !== 'string' || !isKnownTimeZone(zone))) throw new OpenTpsError('ERR_TIME_ZONE_INVALID');
      changes.timeZone = zone;
    }
    const updated = await deps.registry.updateDevice(id, changes);
    await deps.audit.record(request.operatorName ?? '-', 'device.update', id, changes);
    return toDeviceView(updated, 0, await deps.store.listDeviceStates(id), deps.clock.nowMs());
  });

  api.post('/devices/:id/rotate-key', async (request) => {
    const { id } = request.params as { id: string };
    const key = await deps.registry.rotateKey(id, optionalString(bodyOf(request), 'key'));
    await deps.audit.record(request.operatorName ?? '-', 'device.rotate-key', id);
    return { key };
  });
}
