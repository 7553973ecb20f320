// The equipment registry as operators read it (issue 15): a page of the store's registry with each record's
// model and a few decoded values, and one equipment with every latest value decoded (raw beside it), its
// nameplate, HACCP values marked, its CWM history and its site. Cost: the page's rows, the models from the
// catalog's cache, and one site read per distinct site on the page.

import { OpenTpsError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { EquipmentModel } from '../equipment-model/data-dictionary.js';
import type { FieldMismatchCount, MismatchCounter } from '../equipment-model/mismatch-counter.js';
import type { ModelCatalog } from '../equipment-model/model-catalog.js';
import type { SiteStore } from '../sites/site-store.js';
import { decodeLatestValues, keyValuesOf, type DecodedValue } from './decoded-values.js';
import type { EquipmentDetails, EquipmentQuery, EquipmentSummary } from './equipment-query.js';
import type { EquipmentStore } from './equipment-store.js';

/** Decoded values a table row carries. */
export const KEY_VALUES_PER_ROW = 3;

export interface ModelBrief {
  readonly modelId: string;
  readonly name: string;
  readonly kind: string;
  readonly maker: string;
}

export interface SiteBrief {
  readonly id: number;
  readonly name: string;
}

export interface EquipmentListing extends EquipmentSummary {
  /** Null when no model with this id is defined (the values are then raw). */
  readonly model: ModelBrief | null;
  readonly site: SiteBrief | null;
  readonly keyValues: readonly DecodedValue[];
}

export interface EquipmentListingPage {
  readonly atMs: number;
  readonly total: number;
  readonly items: readonly EquipmentListing[];
}

export interface EquipmentView extends EquipmentDetails {
  readonly model: ModelBrief | null;
  readonly site: SiteBrief | null;
  /** Every latest value: the dictionary's fields in its order, then unknown ones, raw. */
  readonly values: readonly DecodedValue[];
  /** Values of this model that did not fit their field, counted on this node since it started. */
  readonly modelMismatches: readonly FieldMismatchCount[];
  readonly atMs: number;
}

export interface EquipmentDirectory {
  queryPage(query: EquipmentQuery): Promise<EquipmentListingPage>;
  /** @throws OpenTpsError ERR_EQUIPMENT_NOT_FOUND */
  read(id: string): Promise<EquipmentView>;
}

export interface EquipmentDirectoryDeps {
  readonly store: EquipmentStore & Pick<SiteStore, 'findSite'>;
  readonly catalog: Pick<ModelCatalog, 'modelsById'>;
  readonly mismatches: Pick<MismatchCounter, 'countsOf'>;
  readonly clock: Clock;
}

function briefOf(model: EquipmentModel | undefined): ModelBrief | null {
  return model === undefined ? null : { modelId: model.modelId, name: model.name, kind: model.kind, maker: model.maker };
}

export function createEquipmentDirectory(deps: EquipmentDirectoryDeps): EquipmentDirectory {
  const sitesById = async (ids: ReadonlyArray<number | null>): Promise<Map<number, SiteBrief>> => {
    const distinct = [...new Set(ids.filter((id): id is number => id !== null))];
    const sites = await Promise.all(distinct.map((id) => deps.store.findSite(id)));
    return new Map(sites.flatMap((site) => (site === null ? [] : [[site.id, { id: site.id, name: site.name }] as const])));
  };
  return {
    async queryPage(query) {
      const atMs = deps.clock.nowMs();
      const [page, models] = await Promise.all([deps.store.queryEquipment(query, atMs), deps.catalog.modelsById()]);
      const sites = await sitesById(page.items.map((item) => item.siteId));
      const items = page.items.map((item) => {
        const model = item.modelId === null ? undefined : models.get(item.modelId);
        return {
          ...item,
          model: briefOf(model),
          site: item.siteId === null ? null : (sites.get(item.siteId) ?? null),
          keyValues: keyValuesOf(model ?? null, item.latestFields, KEY_VALUES_PER_ROW),
        };
      });
      return { atMs, total: page.total, items };
    },
    async read(id) {
      const atMs = deps.clock.nowMs();
      const [details, models] = await Promise.all([deps.store.findEquipment(id, atMs), deps.catalog.modelsById()]);
      if (details === null) throw new OpenTpsError('ERR_EQUIPMENT_NOT_FOUND', JSON.stringify(id.slice(0, 80)));
      const model = details.modelId === null ? undefined : models.get(details.modelId);
      const sites = await sitesById([details.siteId]);
      return {
        ...details,
        model: briefOf(model),
        site: details.siteId === null ? null : (sites.get(details.siteId) ?? null),
        values: decodeLatestValues(model ?? null, details.latestFields),
        modelMismatches: details.modelId === null ? [] : deps.mismatches.countsOf(details.modelId),
        atMs,
      };
    },
  };
}
