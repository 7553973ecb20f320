// /api/v1/equipment: the equipment registry, filtered, sorted and paged by the store (issue 15).

import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable, StringEnum } from './common-schemas.js';
import { DecodedValueSchema } from './decoded-value-schemas.js';

export const EQUIPMENT_SORT_VALUES = ['id', 'model', 'lastSeen', 'firstSeen', 'cwm'] as const;
export const EQUIPMENT_STATUS_VALUES = ['online', 'offline'] as const;
export const EQUIPMENT_PAGE_DEFAULT_LIMIT = 50;

export const EquipmentIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'the origin id (`_src[0]`)' }) });

export const EquipmentListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 64, description: 'text in the id' })),
  model: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{4}$', description: 'model id' })),
  site: Type.Optional(Type.Integer({ minimum: 1, description: 'site id' })),
  tag: Type.Optional(Type.String({ maxLength: 64 })),
  cwm: Type.Optional(Type.String({ maxLength: 64, description: 'the CWM it is behind now' })),
  status: Type.Optional(StringEnum(EQUIPMENT_STATUS_VALUES)),
  sort: Type.Optional(StringEnum(EQUIPMENT_SORT_VALUES, { description: 'id by default' })),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const, { description: 'asc by default' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: EQUIPMENT_PAGE_DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
});

const ModelBriefSchema = Type.Object({ modelId: Type.String(), name: Type.String(), kind: Type.String(), maker: Type.String() });
const SiteBriefSchema = Type.Object({ id: Type.Integer(), name: Type.String() });

const equipmentMembers = {
  id: Type.String(),
  modelId: Nullable(Type.String({ description: 'c000 for a CWM itself; the first 4 hex digits of a 16-hex-digit id; else null' })),
  serial: Nullable(Type.String()),
  isCwm: Type.Boolean(),
  cwmId: Type.String({ description: 'the CWM it was last seen behind' }),
  status: StringEnum(EQUIPMENT_STATUS_VALUES),
  firstSeenAt: IsoTime(),
  lastSeenAt: IsoTime(),
  lastHeartbeatAt: Nullable(IsoTime()),
  tags: Type.Array(Type.String()),
  model: Nullable(ModelBriefSchema),
  site: Nullable(SiteBriefSchema),
};

export const EquipmentListingSchema = Type.Object({
  ...equipmentMembers,
  keyValues: Type.Array(DecodedValueSchema, { description: 'HACCP values first, then telemetry: what a table row shows' }),
});

export const EquipmentPageSchema = Type.Object({ items: Type.Array(EquipmentListingSchema), total: Type.Integer() });

export const EquipmentDetailSchema = Type.Object({
  ...equipmentMembers,
  values: Type.Array(DecodedValueSchema, { description: "every latest value: the dictionary's fields in order, then unknown ones, raw" }),
  cwmHistory: Type.Array(Type.Object({ cwmId: Type.String(), since: IsoTime() }), { description: 'newest first' }),
  modelMismatches: Type.Array(Type.Object({ key: Type.String(), count: Type.Integer(), lastRaw: Type.Unknown(), lastOriginId: Type.String(), lastAt: IsoTime() })),
});
