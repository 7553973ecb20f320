// /api/v1/devices: the fleet table (filter, sort, page), one device's details, and operator changes.

import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import type { DeviceRegistry } from '../../domain/device-registry.js';
import { DEVICE_SORT_KEYS, type DeviceQuery, type DeviceSortKey } from '../../domain/device-query.js';
import { DEVICE_STATUSES, type DeviceStatus } from '../../domain/device-status.js';
import type { Store } from '../../domain/store.js';
import { OpenTpsError } from '../../errors.js';
import { isKnownTimeZone } from '../../protocol/time-answer.js';
import { diagnosticsOf, isoOrNull, okeIdsOf, toDeviceView } from './api-views.js';
import { invalid } from './api-errors.js';
import { bodyOf, optionalString, queryInteger, queryOf } from './request-input.js';

export interface DeviceRouteDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly registry: DeviceRegistry;
  readonly audit: AuditLog;
}

function isSortKey(value: string): value is DeviceSortKey {
  return (DEVICE_SORT_KEYS as readonly string[]).includes(value);
}

function isDeviceStatus(value: string): value is DeviceStatus {
  return (DEVICE_STATUSES as readonly string[]).includes(value);
}

/** The fleet table's query string as a DeviceQuery. @throws OpenTpsError ERR_API_INVALID naming the bad parameter */
function parseDeviceQuery(query: Record<string, string>): DeviceQuery {
  const sort = query['sort'] ?? 'id';
  if (!isSortKey(sort)) throw invalid(`"sort" must be one of ${DEVICE_SORT_KEYS.join(', ')}`);
  const order = query['order'] ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw invalid('"order" must be asc or desc');
  const status = query['status'] ?? null;
  if (status !== null && !isDeviceStatus(status)) throw invalid('"status" must be online, offline or never-seen');
  const limit = queryInteger(query, 'limit', 50, 1, 1000);
  const offset = queryInteger(query, 'offset', 0, 0, 10_000_000);
  const search = query['search'] ?? '';
  return { search: search === '' ? null : search, status, sort, order, limit, offset };
}

export function registerDeviceRoutes(api: FastifyInstance, deps: DeviceRouteDeps): void {
  api.get('/devices', async (request) => {
    const nowMs = deps.clock.nowMs();
    const page = await deps.store.queryDevices(parseDeviceQuery(queryOf(request)), nowMs);
    return { items: page.items.map((device) => toDeviceView(device, device.queuedCount, device.okeIds, nowMs)), total: page.total };
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
    const [states, queued] = await Promise.all([deps.store.listDeviceStates(id), deps.store.countQueuedMessages(id, nowMs)]);
    return {
      device: toDeviceView(device, queued, okeIdsOf(states, id), nowMs),
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
    const nowMs = deps.clock.nowMs();
    const [states, queued] = await Promise.all([deps.store.listDeviceStates(id), deps.store.countQueuedMessages(id, nowMs)]);
    return toDeviceView(updated, queued, okeIdsOf(states, id), nowMs);
  });

  api.post('/devices/:id/rotate-key', async (request) => {
    const { id } = request.params as { id: string };
    const key = await deps.registry.rotateKey(id, optionalString(bodyOf(request), 'key'));
    await deps.audit.record(request.operatorName ?? '-', 'device.rotate-key', id);
    return { key };
  });
}
