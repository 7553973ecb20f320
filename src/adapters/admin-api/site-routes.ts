// /api/v1/sites, a CWM's site, and tags on CWMs and equipment (issue 15). Every change is audited.

import type { AuditLog } from '../../domain/audit-log.js';
import type { DevicePlacement, SiteRecord, SiteSummary } from '../../domain/sites/site-store.js';
import type { SiteDirectory } from '../../domain/sites/site-directory.js';
import { formatGatewayMac } from '../../domain/sites/gateway-mac.js';
import { parseTags, type TagTargetKind } from '../../domain/tags/tag-name.js';
import type { TagStore } from '../../domain/tags/tag-store.js';
import type { EquipmentStore } from '../../domain/equipment/equipment-store.js';
import type { Clock } from '../../domain/clock.js';
import { OpenTpsError } from '../../errors.js';
import type { AdminApi } from './admin-api-instance.js';
import { isoOrNull } from './api-views.js';
import { errorResponses, NoContent, StringEnum } from './schemas/common-schemas.js';
import { DeviceIdParams } from './schemas/device-schemas.js';
import { EquipmentIdParams } from './schemas/equipment-schemas.js';
import {
  NewSiteBody, PlacementBody, PlacementSchema, SITE_PAGE_DEFAULT_LIMIT, SiteChangesBody, SiteIdParams, SiteListQuery, SitePageSchema, SiteSchema, TagCountsSchema, TagsBody, TagsSchema,
} from './schemas/site-schemas.js';
import { Type } from '@sinclair/typebox';

export interface SiteRouteDeps {
  readonly siteDirectory: SiteDirectory;
  readonly tagStore: TagStore;
  readonly equipmentStore: Pick<EquipmentStore, 'queryEquipment' | 'findEquipment'>;
  readonly registryStore: { findDevice(id: string): Promise<unknown> };
  readonly audit: AuditLog;
  readonly clock: Clock;
}

function toSiteView(site: SiteRecord | SiteSummary) {
  return {
    id: site.id, name: site.name, address: site.address, timeZone: site.timeZone, gatewayMacs: site.gatewayMacs.map(formatGatewayMac),
    createdAt: new Date(site.createdAtMs).toISOString(), cwmCount: 'cwmCount' in site ? site.cwmCount : 0,
  };
}

function toPlacementView(placement: DevicePlacement) {
  return {
    deviceId: placement.deviceId, siteId: placement.siteId, assignment: placement.assignment,
    reportedGatewayMac: placement.reportedGatewayMac, reportedGatewayMacAt: isoOrNull(placement.reportedGatewayMacAtMs),
  };
}

export function registerSiteRoutes(api: AdminApi, deps: SiteRouteDeps): void {
  api.get('/sites', { schema: { summary: 'List sites by name, with their CWM counts', querystring: SiteListQuery, response: { 200: SitePageSchema, ...errorResponses(400) } } }, async (request) => {
    const { search, limit, offset } = request.query;
    const page = await deps.siteDirectory.query({ search: search === undefined || search.trim() === '' ? null : search.trim(), limit: limit ?? SITE_PAGE_DEFAULT_LIMIT, offset: offset ?? 0 });
    return { total: page.total, items: page.items.map(toSiteView) };
  });

  api.post('/sites', { schema: { summary: 'Create a site', body: NewSiteBody, response: { 201: SiteSchema, ...errorResponses(400, 403, 409) } } }, async (request, reply) => {
    const site = await deps.siteDirectory.add(request.body);
    await deps.audit.record(request.operatorName ?? '-', 'site.add', String(site.id), { name: site.name, gatewayMacs: site.gatewayMacs });
    return reply.code(201).send(toSiteView(await deps.siteDirectory.get(site.id)));
  });

  api.get('/sites/:id', { schema: { summary: 'One site', params: SiteIdParams, response: { 200: SiteSchema, ...errorResponses(400, 404) } } }, async (request) => {
    return toSiteView(await deps.siteDirectory.get(request.params.id));
  });

  api.patch('/sites/:id', { schema: { summary: 'Change a site (gateway MACs: the list replaces the old one)', params: SiteIdParams, body: SiteChangesBody, response: { 200: SiteSchema, ...errorResponses(400, 403, 404, 409) } } }, async (request) => {
    const site = await deps.siteDirectory.update(request.params.id, request.body);
    await deps.audit.record(request.operatorName ?? '-', 'site.update', String(site.id), { ...request.body });
    return toSiteView(await deps.siteDirectory.get(site.id));
  });

  api.delete('/sites/:id', { schema: { summary: 'Delete a site; its CWMs are at no site afterwards', params: SiteIdParams, response: { 204: NoContent, ...errorResponses(400, 403, 404) } } }, async (request, reply) => {
    await deps.siteDirectory.remove(request.params.id);
    await deps.audit.record(request.operatorName ?? '-', 'site.delete', String(request.params.id));
    return reply.code(204).send(null);
  });

  api.put('/devices/:id/site', { schema: { summary: 'Place a CWM at a site by hand (null: at none)', params: DeviceIdParams, body: PlacementBody, response: { 200: PlacementSchema, ...errorResponses(400, 403, 404) } } }, async (request) => {
    const placement = await deps.siteDirectory.place(request.params.id, request.body.siteId);
    await deps.audit.record(request.operatorName ?? '-', 'device.place', request.params.id, { siteId: request.body.siteId });
    return toPlacementView(placement);
  });

  const setTags = async (kind: TagTargetKind, targetId: string, tags: readonly string[], actor: string): Promise<string[]> => {
    const parsed = parseTags(tags);
    if (kind === 'device' && (await deps.registryStore.findDevice(targetId)) === null) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', targetId);
    if (kind === 'equipment' && (await deps.equipmentStore.findEquipment(targetId, deps.clock.nowMs())) === null) throw new OpenTpsError('ERR_EQUIPMENT_NOT_FOUND', targetId);
    await deps.tagStore.setTags(kind, targetId, parsed);
    await deps.audit.record(actor, `${kind}.tags`, targetId, { tags: parsed });
    return parsed;
  };

  api.get('/devices/:id/tags', { schema: { summary: 'The tags of a CWM', params: DeviceIdParams, response: { 200: TagsSchema, ...errorResponses(404) } } }, async (request) => {
    const { id } = request.params;
    if ((await deps.registryStore.findDevice(id)) === null) throw new OpenTpsError('ERR_DEVICE_NOT_FOUND', id);
    return { tags: (await deps.tagStore.readTags('device', [id])).get(id) ?? [] };
  });

  api.put('/devices/:id/tags', { schema: { summary: 'Replace the tags of a CWM', params: DeviceIdParams, body: TagsBody, response: { 200: TagsSchema, ...errorResponses(400, 403, 404) } } }, async (request) => {
    return { tags: await setTags('device', request.params.id, request.body.tags, request.operatorName ?? '-') };
  });

  api.put('/equipment/:id/tags', { schema: { summary: 'Replace the tags of an equipment', params: EquipmentIdParams, body: TagsBody, response: { 200: TagsSchema, ...errorResponses(400, 403, 404) } } }, async (request) => {
    return { tags: await setTags('equipment', request.params.id, request.body.tags, request.operatorName ?? '-') };
  });

  const TagKindQuery = Type.Object({ kind: StringEnum(['device', 'equipment'] as const) });
  api.get('/tags', { schema: { summary: 'Tags in use on CWMs or on equipment, with how many carry each', querystring: TagKindQuery, response: { 200: TagCountsSchema, ...errorResponses(400) } } }, async (request) => {
    return { items: await deps.tagStore.countTags(request.query.kind) };
  });
}
