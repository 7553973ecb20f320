// /api/v1/devices: the fleet table (filter, sort, page), one device's details, and operator changes.

import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import type { DeviceDirectory } from '../../domain/device-directory.js';
import type { DeviceRegistry } from '../../domain/device-registry.js';
import type { DeviceSortKey } from '../../domain/device-query.js';
import type { DeviceStatus } from '../../domain/device-status.js';
import { OpenTpsError } from '../../errors.js';
import { isKnownTimeZone } from '../../protocol/time-answer.js';
import type { AdminApi } from './admin-api-instance.js';
import { diagnosticsOf, isoOrNull, toDeviceView } from './api-views.js';
import { errorResponses } from './schemas/common-schemas.js';
import {
  CreatedDeviceSchema, DEVICE_PAGE_DEFAULT_LIMIT, DEVICE_SORT_VALUES, DEVICE_STATUS_VALUES, DeviceChangesBody, DeviceDetailSchema, DeviceIdParams,
  DeviceListQuery, DevicePageSchema, DeviceSchema, NewDeviceBody, RotatedKeySchema, RotateKeyBody,
} from './schemas/device-schemas.js';
import type { SameType } from './schema-parity.js';

// The schema's enums are the domain's, checked by the compiler both ways.
const sortKeysMatch: SameType<(typeof DEVICE_SORT_VALUES)[number], DeviceSortKey> = true;
const statusesMatch: SameType<(typeof DEVICE_STATUS_VALUES)[number], DeviceStatus> = true;
void sortKeysMatch;
void statusesMatch;

export interface DeviceRouteDeps {
  readonly deviceDirectory: DeviceDirectory;
  readonly clock: Clock;
  readonly registry: DeviceRegistry;
  readonly audit: AuditLog;
}

export function registerDeviceRoutes(api: AdminApi, deps: DeviceRouteDeps): void {
  api.get('/devices', { schema: { summary: 'List CWMs: filtered, sorted and paged by the store', querystring: DeviceListQuery, response: { 200: DevicePageSchema, ...errorResponses(400) } } }, async (request) => {
    const { search, status, site, tag, sort, order, limit, offset } = request.query;
    const query = { search: search === undefined || search === '' ? null : search, status: status ?? null, siteId: site ?? null, tag: tag === undefined || tag.trim() === '' ? null : tag.trim(), sort: sort ?? 'id', order: order ?? 'asc', limit: limit ?? DEVICE_PAGE_DEFAULT_LIMIT, offset: offset ?? 0 };
    const page = await deps.deviceDirectory.queryFleet(query);
    return { items: page.items.map((device) => toDeviceView(device, device.queuedCount, device.okeIds, page.atMs)), total: page.total };
  });

  api.post('/devices', { schema: { summary: 'Register a CWM', body: NewDeviceBody, response: { 201: CreatedDeviceSchema, ...errorResponses(400, 403, 409) } } }, async (request, reply) => {
    const { id, name, key } = request.body;
    const added = await deps.registry.addDevice({ id, name, key });
    await deps.audit.record(request.operatorName ?? '-', 'device.add', id, { name: added.device.name });
    const view = toDeviceView(added.device, 0, [], deps.clock.nowMs());
    return reply.code(201).send({ device: view, key: added.key });
  });

  api.get('/devices/:id', { schema: { summary: 'One CWM with its OKE states and diagnostics', params: DeviceIdParams, response: { 200: DeviceDetailSchema, ...errorResponses(404) } } }, async (request) => {
    const { id } = request.params;
    const details = await deps.deviceDirectory.readDetails(id);
    return {
      device: toDeviceView(details.device, details.queuedCount, details.okeIds, details.atMs),
      states: details.states.map((state) => ({
        deviceId: state.deviceId,
        isCwm: state.deviceId === id,
        lastSeenAt: isoOrNull(state.lastSeenAtMs),
        lastHeartbeatAt: isoOrNull(state.lastHeartbeatAtMs),
        fields: state.latestFields,
      })),
      diagnostics: diagnosticsOf(details.states, id),
    };
  });

  api.patch('/devices/:id', { schema: { summary: 'Rename, disable or set the time zone', params: DeviceIdParams, body: DeviceChangesBody, response: { 200: DeviceSchema, ...errorResponses(400, 403, 404) } } }, async (request) => {
    const { id } = request.params;
    const { name, isDisabled, timeZone } = request.body;
    const changes: { name?: string | null; isDisabled?: boolean; timeZone?: string | null } = {};
    if (name !== undefined) changes.name = name;
    if (isDisabled !== undefined) changes.isDisabled = isDisabled;
    if (timeZone !== undefined) {
      // A domain rule, not a shape: the zone must be one this server's ICU knows.
      if (timeZone !== null && !isKnownTimeZone(timeZone)) throw new OpenTpsError('ERR_TIME_ZONE_INVALID');
      changes.timeZone = timeZone;
    }
    const updated = await deps.registry.updateDevice(id, changes);
    await deps.audit.record(request.operatorName ?? '-', 'device.update', id, changes);
    const details = await deps.deviceDirectory.detailsOf(updated);
    return toDeviceView(details.device, details.queuedCount, details.okeIds, details.atMs);
  });

  api.post('/devices/:id/rotate-key', { schema: { summary: 'Set a new provisioning key', params: DeviceIdParams, body: RotateKeyBody, response: { 200: RotatedKeySchema, ...errorResponses(400, 403, 404) } } }, async (request) => {
    const { id } = request.params;
    const key = await deps.registry.rotateKey(id, request.body.key);
    await deps.audit.record(request.operatorName ?? '-', 'device.rotate-key', id);
    return { key };
  });
}
