// /api/v1/models: equipment models and their data dictionaries, versioned, each change in the audit log
// (issue 15); the published JSON Schema of a dictionary file.

import { equipmentModelJsonSchema } from '../../domain/equipment-model/model-json-schema.js';
import { validateEquipmentModel } from '../../domain/equipment-model/dictionary-validation.js';
import type { MismatchCounter } from '../../domain/equipment-model/mismatch-counter.js';
import { isBuiltinModelId, type ModelCatalog } from '../../domain/equipment-model/model-catalog.js';
import type { StoredModel } from '../../domain/equipment-model/model-store.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses, NoContent } from './schemas/common-schemas.js';
import {
  ModelBody, ModelCheckSchema, ModelIdParams, ModelListSchema, ModelMismatchesSchema, ModelSaveQuery, ModelVersionsSchema, StoredModelSchema,
} from './schemas/model-schemas.js';

export interface ModelRouteDeps {
  readonly modelCatalog: ModelCatalog;
  readonly mismatchCounter: Pick<MismatchCounter, 'countsOf'>;
}

function toStoredModelView(stored: StoredModel) {
  return {
    model: stored.model,
    version: stored.version,
    savedAt: new Date(stored.savedAtMs).toISOString(),
    savedBy: stored.savedBy,
    isBuiltin: isBuiltinModelId(stored.model.modelId),
  };
}

/** The path of the published JSON Schema of a dictionary file (docs/api.md "Models"). */
export const EQUIPMENT_MODEL_SCHEMA_PATH = '/schemas/equipment-model.json';

export function registerModelRoutes(api: AdminApi, deps: ModelRouteDeps): void {
  api.get('/models', { schema: { summary: 'Every equipment model, by model id', response: { 200: ModelListSchema, ...errorResponses() } } }, async () => {
    const models = await deps.modelCatalog.list();
    return {
      items: models.map((stored) => ({
        modelId: stored.model.modelId,
        name: stored.model.name,
        maker: stored.model.maker,
        kind: stored.model.kind,
        fieldCount: stored.model.fields.length,
        version: stored.version,
        savedAt: new Date(stored.savedAtMs).toISOString(),
        savedBy: stored.savedBy,
        isBuiltin: isBuiltinModelId(stored.model.modelId),
        mismatchCount: deps.mismatchCounter.countsOf(stored.model.modelId).reduce((sum, row) => sum + row.count, 0),
      })),
    };
  });

  api.get('/models/:modelId', { schema: { summary: 'One model with its dictionary', params: ModelIdParams, response: { 200: StoredModelSchema, ...errorResponses(400, 404) } } }, async (request) => {
    return toStoredModelView(await deps.modelCatalog.get(request.params.modelId));
  });

  api.put(
    '/models/:modelId',
    { schema: { summary: 'Save a model as its next version (validated; ERR_MODEL_INVALID names every bad field)', params: ModelIdParams, querystring: ModelSaveQuery, body: ModelBody, response: { 200: StoredModelSchema, ...errorResponses(400, 403, 409) } } },
    async (request) => {
      const saved = await deps.modelCatalog.save(request.params.modelId, request.body, request.operatorName ?? '-', request.query.expectedVersion);
      return toStoredModelView(saved);
    },
  );

  api.delete('/models/:modelId', { schema: { summary: 'Delete a model (its history is kept)', params: ModelIdParams, response: { 204: NoContent, ...errorResponses(400, 403, 404, 409) } } }, async (request, reply) => {
    await deps.modelCatalog.remove(request.params.modelId, request.operatorName ?? '-');
    return reply.code(204).send(null);
  });

  api.get('/models/:modelId/versions', { schema: { summary: 'Every version of a model, newest first', params: ModelIdParams, response: { 200: ModelVersionsSchema, ...errorResponses(400, 404) } } }, async (request) => {
    const versions = await deps.modelCatalog.versions(request.params.modelId);
    return { items: versions.map((v) => ({ version: v.version, savedAt: new Date(v.savedAtMs).toISOString(), savedBy: v.savedBy, isDeletion: v.isDeletion, model: v.model })) };
  });

  api.get('/models/:modelId/mismatches', { schema: { summary: 'Heartbeat values that did not fit this dictionary, per field (this node, since it started)', params: ModelIdParams, response: { 200: ModelMismatchesSchema, ...errorResponses(400, 404) } } }, async (request) => {
    const stored = await deps.modelCatalog.get(request.params.modelId);
    return {
      items: deps.mismatchCounter.countsOf(stored.model.modelId).map((row) => ({ key: row.key, count: row.count, lastRaw: row.lastRaw, lastOriginId: row.lastOriginId, lastAt: new Date(row.lastAtMs).toISOString() })),
    };
  });

  api.post('/models/check', { schema: { summary: 'Check a model without saving it: every broken rule, with its path', body: ModelBody, response: { 200: ModelCheckSchema, ...errorResponses(403) } } }, async (request) => {
    const problems = validateEquipmentModel(request.body);
    return { isValid: problems.length === 0, problems };
  });

  api.get(EQUIPMENT_MODEL_SCHEMA_PATH, { schema: { summary: 'The JSON Schema of an equipment model file (what `opentps model import` reads)', response: { 200: { type: 'object', additionalProperties: true } } } }, async (_request, reply) => {
    reply.type('application/schema+json');
    // The same document as docs/schemas/equipment-model.schema.json and `opentps model schema`.
    return equipmentModelJsonSchema();
  });
}
