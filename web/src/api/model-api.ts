// Equipment models and their data dictionaries (docs/api.md "Models"): every answer checked against the server's schemas.
import { NoContent } from '../../../src/adapters/admin-api/schemas/common-schemas.js';
import { ModelCheckSchema, ModelListSchema, ModelMismatchesSchema, ModelVersionsSchema, StoredModelSchema } from '../../../src/adapters/admin-api/schemas/model-schemas.js';
import type { CheckedRequest } from '../api-client.js';
import type { ModelCheck, ModelMismatch, ModelSummary, ModelVersion, StoredModel } from '../api-model.js';

export class ModelApi {
  private readonly request: CheckedRequest;

  constructor(request: CheckedRequest) {
    this.request = request;
  }

  async list(): Promise<ModelSummary[]> {
    return (await this.request(ModelListSchema, 'GET', '/models')).items;
  }

  async get(modelId: string): Promise<StoredModel> {
    return this.request(StoredModelSchema, 'GET', `/models/${encodeURIComponent(modelId)}`);
  }

  /**
   * Saves `model` as the next version, only if the stored one is still `expectedVersion` (0: only if new);
   * ERR_MODEL_VERSION_CONFLICT (409) otherwise, ERR_MODEL_INVALID (400) naming every bad path.
   */
  async save(modelId: string, model: unknown, expectedVersion: number): Promise<StoredModel> {
    return this.request(StoredModelSchema, 'PUT', `/models/${encodeURIComponent(modelId)}?expectedVersion=${expectedVersion}`, model);
  }

  async remove(modelId: string): Promise<void> {
    await this.request(NoContent, 'DELETE', `/models/${encodeURIComponent(modelId)}`);
  }

  async versions(modelId: string): Promise<ModelVersion[]> {
    return (await this.request(ModelVersionsSchema, 'GET', `/models/${encodeURIComponent(modelId)}/versions`)).items;
  }

  async mismatches(modelId: string): Promise<ModelMismatch[]> {
    return (await this.request(ModelMismatchesSchema, 'GET', `/models/${encodeURIComponent(modelId)}/mismatches`)).items;
  }

  /** The server's verdict on a model without saving it. */
  async check(model: unknown): Promise<ModelCheck> {
    return this.request(ModelCheckSchema, 'POST', '/models/check', model);
  }
}
