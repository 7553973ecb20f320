// /api/v1/equipment: every origin seen in an OKM (OKEs and CWMs), with decoded latest values (issue 15).

import type { Clock } from '../../domain/clock.js';
import type { DecodedValue } from '../../domain/equipment/decoded-values.js';
import type { EquipmentDirectory, EquipmentListing } from '../../domain/equipment/equipment-directory.js';
import type { EquipmentSortKey, EquipmentStatus } from '../../domain/equipment/equipment-query.js';
import type { AdminApi } from './admin-api-instance.js';
import { isoOrNull } from './api-views.js';
import type { SameType } from './schema-parity.js';
import { errorResponses } from './schemas/common-schemas.js';
import {
  EQUIPMENT_PAGE_DEFAULT_LIMIT, EQUIPMENT_SORT_VALUES, EQUIPMENT_STATUS_VALUES, EquipmentDetailSchema, EquipmentIdParams, EquipmentListQuery, EquipmentPageSchema,
} from './schemas/equipment-schemas.js';

const sortKeysMatch: SameType<(typeof EQUIPMENT_SORT_VALUES)[number], EquipmentSortKey> = true;
const statusesMatch: SameType<(typeof EQUIPMENT_STATUS_VALUES)[number], EquipmentStatus> = true;
void sortKeysMatch;
void statusesMatch;

export interface EquipmentRouteDeps {
  readonly equipmentDirectory: EquipmentDirectory;
  readonly clock: Clock;
}

function toValueView(value: DecodedValue) {
  return {
    key: value.key, label: value.label, fieldClass: value.fieldClass, fieldType: value.fieldType, raw: value.raw, value: value.value, display: value.display,
    unit: value.unit, unitSymbol: value.unitSymbol, isMismatch: value.isMismatch, isOutOfRange: value.isOutOfRange, isHaccp: value.isHaccp,
  };
}

function toEquipmentBase(item: Omit<EquipmentListing, 'keyValues'>) {
  return {
    id: item.id, modelId: item.modelId, serial: item.serial, isCwm: item.isCwm, cwmId: item.cwmId, status: item.status,
    firstSeenAt: new Date(item.firstSeenAtMs).toISOString(), lastSeenAt: new Date(item.lastSeenAtMs).toISOString(), lastHeartbeatAt: isoOrNull(item.lastHeartbeatAtMs),
    tags: [...item.tags], model: item.model, site: item.site,
  };
}

export function registerEquipmentRoutes(api: AdminApi, deps: EquipmentRouteDeps): void {
  api.get('/equipment', { schema: { summary: 'List equipment: filtered, sorted and paged by the store, with decoded key values', querystring: EquipmentListQuery, response: { 200: EquipmentPageSchema, ...errorResponses(400) } } }, async (request) => {
    const q = request.query;
    const blankToNull = (text: string | undefined): string | null => (text === undefined || text.trim() === '' ? null : text.trim());
    const page = await deps.equipmentDirectory.queryPage({
      search: blankToNull(q.search), modelId: q.model?.toLowerCase() ?? null, siteId: q.site ?? null, tag: blankToNull(q.tag), cwmId: blankToNull(q.cwm),
      status: q.status ?? null, sort: q.sort ?? 'id', order: q.order ?? 'asc', limit: q.limit ?? EQUIPMENT_PAGE_DEFAULT_LIMIT, offset: q.offset ?? 0,
    });
    return { total: page.total, items: page.items.map((item) => ({ ...toEquipmentBase(item), keyValues: item.keyValues.map(toValueView) })) };
  });

  api.get('/equipment/:id', { schema: { summary: 'One equipment: every latest value raw and decoded, its CWM history', params: EquipmentIdParams, response: { 200: EquipmentDetailSchema, ...errorResponses(400, 404) } } }, async (request) => {
    const view = await deps.equipmentDirectory.read(request.params.id);
    return {
      ...toEquipmentBase(view),
      values: view.values.map(toValueView),
      cwmHistory: view.cwmHistory.map((stint) => ({ cwmId: stint.cwmId, since: new Date(stint.sinceMs).toISOString() })),
      modelMismatches: view.modelMismatches.map((row) => ({ key: row.key, count: row.count, lastRaw: row.lastRaw, lastOriginId: row.lastOriginId, lastAt: new Date(row.lastAtMs).toISOString() })),
    };
  });
}
