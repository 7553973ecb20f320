// The equipment models operators edit (issue 15): every save validated (dictionary-validation.ts), versioned
// by the store and written to the audit log with who and which version; the built-in models (the CWM's own
// heartbeat, the example fryer and combi oven) saved once, as version 1, the first time a store is opened.
// Readers that decode values get the models from a short-lived cache, so decoding a page or a heartbeat never
// costs a read per value; a save in this process refreshes it at once, other nodes within CACHE_TTL_MS.

import { OpenTpsError, isOpenTpsError } from '../../errors.js';
import type { AuditLog } from '../audit-log.js';
import type { Clock } from '../clock.js';
import { BUILTIN_MODELS } from './builtin-models.js';
import type { EquipmentModel } from './data-dictionary.js';
import { parseEquipmentModel } from './dictionary-validation.js';
import { isModelId } from './equipment-id.js';
import type { ModelStore, ModelVersion, StoredModel } from './model-store.js';

/** How long another node's save may take to reach this node's decoding. */
export const MODEL_CACHE_TTL_MS = 5_000;

/** The actor the built-in models are saved by. */
export const BUILTIN_MODEL_ACTOR = 'opentps';

const BUILTIN_IDS: ReadonlySet<string> = new Set(BUILTIN_MODELS.map((model) => model.modelId.toLowerCase()));

export function isBuiltinModelId(modelId: string): boolean {
  return BUILTIN_IDS.has(modelId.toLowerCase());
}

export interface ModelCatalogDeps {
  readonly store: ModelStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export interface ModelCatalog {
  list(): Promise<StoredModel[]>;
  /** @throws OpenTpsError ERR_MODEL_NOT_FOUND */
  get(modelId: string): Promise<StoredModel>;
  /**
   * Validates and saves `input` as the model `modelId` (the body's own modelId, when present, must agree).
   * @throws OpenTpsError ERR_MODEL_INVALID, ERR_MODEL_VERSION_CONFLICT
   */
  save(modelId: string, input: unknown, actor: string, expectedVersion?: number): Promise<StoredModel>;
  /** @throws OpenTpsError ERR_MODEL_NOT_FOUND, ERR_MODEL_BUILTIN */
  remove(modelId: string, actor: string): Promise<void>;
  /** Newest first. @throws OpenTpsError ERR_MODEL_NOT_FOUND when the id was never used */
  versions(modelId: string): Promise<ModelVersion[]>;
  /** Saves each built-in model that this store has never held (a store's first start). */
  installBuiltins(): Promise<number>;
  /** The current models by id, from the cache (at most MODEL_CACHE_TTL_MS old for other nodes' saves). */
  modelsById(): Promise<ReadonlyMap<string, EquipmentModel>>;
  /**
   * The models as last loaded, at once (empty before the first load); when they are older than
   * MODEL_CACHE_TTL_MS a reload starts in the background. For the push path, which must not wait on a read.
   */
  peekModels(): ReadonlyMap<string, EquipmentModel>;
}

/** A model id as stored: lower case. @throws OpenTpsError ERR_MODEL_INVALID */
function modelIdOf(text: string): string {
  if (!isModelId(text)) throw new OpenTpsError('ERR_MODEL_INVALID', `modelId: a model id must be 4 hex digits, got ${JSON.stringify(text.slice(0, 20))}`, { details: { problems: [{ path: 'modelId', problem: 'a model id must be 4 hex digits' }] } });
  return text.toLowerCase();
}

export function createModelCatalog(deps: ModelCatalogDeps): ModelCatalog {
  let cache: { readonly atMs: number; readonly models: ReadonlyMap<string, EquipmentModel> } | null = null;
  let loading: Promise<ReadonlyMap<string, EquipmentModel>> | null = null;
  /** Kept when the cache is dropped by a save, so peekModels always has the last models it saw. */
  let lastLoaded: ReadonlyMap<string, EquipmentModel> = new Map();

  const load = async (): Promise<ReadonlyMap<string, EquipmentModel>> => {
    const startedAtMs = deps.clock.nowMs();
    const models = new Map((await deps.store.listModels()).map((stored) => [stored.model.modelId, stored.model]));
    cache = { atMs: startedAtMs, models };
    lastLoaded = models;
    return models;
  };

  const reload = async (): Promise<ReadonlyMap<string, EquipmentModel>> => {
    if (cache !== null && deps.clock.nowMs() - cache.atMs < MODEL_CACHE_TTL_MS) return cache.models;
    // One load at a time: a burst of readers shares it.
    loading ??= load().finally(() => {
      loading = null;
    });
    return loading;
  };

  return {
    async list() {
      return deps.store.listModels();
    },
    async get(modelId) {
      const found = await deps.store.findModel(modelIdOf(modelId));
      if (found === null) throw new OpenTpsError('ERR_MODEL_NOT_FOUND', modelId.toLowerCase());
      return found;
    },
    async save(modelId, input, actor, expectedVersion) {
      const id = modelIdOf(modelId);
      const withId = typeof input === 'object' && input !== null && !Array.isArray(input) && !('modelId' in input) ? { ...input, modelId: id } : input;
      const model = parseEquipmentModel(withId);
      if (model.modelId.toLowerCase() !== id) {
        throw new OpenTpsError('ERR_MODEL_INVALID', `modelId: the body names ${JSON.stringify(model.modelId)}, the path ${JSON.stringify(id)}`, { details: { problems: [{ path: 'modelId', problem: 'differs from the model id in the path' }] } });
      }
      const saved = await deps.store.saveModel({ ...model, modelId: id }, actor, deps.clock.nowMs(), expectedVersion);
      cache = null;
      await reload();
      await deps.audit.record(actor, 'model.save', id, { version: saved.version, fields: saved.model.fields.length });
      return saved;
    },
    async remove(modelId, actor) {
      const id = modelIdOf(modelId);
      if (isBuiltinModelId(id)) throw new OpenTpsError('ERR_MODEL_BUILTIN', id);
      await deps.store.deleteModel(id, actor, deps.clock.nowMs());
      cache = null;
      await reload();
      await deps.audit.record(actor, 'model.delete', id);
    },
    async versions(modelId) {
      const id = modelIdOf(modelId);
      const versions = await deps.store.listModelVersions(id);
      if (versions.length === 0) throw new OpenTpsError('ERR_MODEL_NOT_FOUND', id);
      return versions;
    },
    async installBuiltins() {
      let installed = 0;
      for (const model of BUILTIN_MODELS) {
        const id = model.modelId.toLowerCase();
        if ((await deps.store.listModelVersions(id)).length > 0) continue;
        try {
          await deps.store.saveModel({ ...model, modelId: id }, BUILTIN_MODEL_ACTOR, deps.clock.nowMs(), 0);
          installed++;
        } catch (error) {
          // Another node of the cluster installed it first.
          if (!isOpenTpsError(error, 'ERR_MODEL_VERSION_CONFLICT')) throw error;
        }
      }
      cache = null;
      await reload();
      return installed;
    },
    modelsById: reload,
    peekModels() {
      if (cache === null || deps.clock.nowMs() - cache.atMs >= MODEL_CACHE_TTL_MS) {
        // A failed reload keeps the last models; the next peek tries again.
        reload().catch(() => undefined);
      }
      return lastLoaded;
    },
  };
}
