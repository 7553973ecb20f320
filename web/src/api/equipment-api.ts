// The equipment registry and tags (docs/api.md "Equipment"): every answer checked against the server's schemas.
import { EquipmentDetailSchema, EquipmentPageSchema, type EQUIPMENT_SORT_VALUES } from '../../../src/adapters/admin-api/schemas/equipment-schemas.js';
import { PlacementSchema, TagCountsSchema, TagsSchema } from '../../../src/adapters/admin-api/schemas/site-schemas.js';
import type { CheckedRequest, SortOrder } from '../api-client.js';
import type { EquipmentDetail, EquipmentPage, EquipmentStatus, Placement, TagCount } from '../api-model.js';

export type EquipmentSortKey = (typeof EQUIPMENT_SORT_VALUES)[number];

/** What the equipment table asks for; null filters are left out of the query. */
export interface EquipmentQuery {
  readonly search: string;
  readonly modelId: string | null;
  readonly siteId: number | null;
  readonly tag: string | null;
  readonly status: EquipmentStatus | null;
  readonly sort: EquipmentSortKey;
  readonly order: SortOrder;
  readonly limit: number;
  readonly offset: number;
}

export class EquipmentApi {
  private readonly request: CheckedRequest;

  constructor(request: CheckedRequest) {
    this.request = request;
  }

  async list(query: EquipmentQuery): Promise<EquipmentPage> {
    const params = new URLSearchParams({ sort: query.sort, order: query.order, limit: String(query.limit), offset: String(query.offset) });
    if (query.search !== '') params.set('search', query.search);
    if (query.modelId !== null) params.set('model', query.modelId);
    if (query.siteId !== null) params.set('site', String(query.siteId));
    if (query.tag !== null) params.set('tag', query.tag);
    if (query.status !== null) params.set('status', query.status);
    return this.request(EquipmentPageSchema, 'GET', `/equipment?${params.toString()}`);
  }

  async get(equipmentId: string): Promise<EquipmentDetail> {
    return this.request(EquipmentDetailSchema, 'GET', `/equipment/${encodeURIComponent(equipmentId)}`);
  }

  /** Replaces the equipment's tags; the answer is the tags as stored (normalised). */
  async setTags(equipmentId: string, tags: readonly string[]): Promise<string[]> {
    return (await this.request(TagsSchema, 'PUT', `/equipment/${encodeURIComponent(equipmentId)}/tags`, { tags })).tags;
  }

  async deviceTags(deviceId: string): Promise<string[]> {
    return (await this.request(TagsSchema, 'GET', `/devices/${encodeURIComponent(deviceId)}/tags`)).tags;
  }

  /** Replaces a CWM's tags; the answer is the tags as stored (normalised). */
  async setDeviceTags(deviceId: string, tags: readonly string[]): Promise<string[]> {
    return (await this.request(TagsSchema, 'PUT', `/devices/${encodeURIComponent(deviceId)}/tags`, { tags })).tags;
  }

  async listTags(kind: 'device' | 'equipment'): Promise<TagCount[]> {
    return (await this.request(TagCountsSchema, 'GET', `/tags?kind=${kind}`)).items;
  }

  /** Places a CWM at a site by hand, or at none (null). */
  async placeDevice(deviceId: string, siteId: number | null): Promise<Placement> {
    return this.request(PlacementSchema, 'PUT', `/devices/${encodeURIComponent(deviceId)}/site`, { siteId });
  }
}
