// The storage port for equipment models and their data dictionaries (issue 15): the current version of each
// model and every version it had, who saved it and when. Models are few (hundreds at most); a whole model is
// one stored JSON document, validated by the domain (dictionary-validation.ts) before it reaches a store.

import type { EquipmentModel } from './data-dictionary.js';

/** A model as stored: the document, its version (1, 2, ... per model id) and who saved that version. */
export interface StoredModel {
  readonly model: EquipmentModel;
  readonly version: number;
  readonly savedAtMs: number;
  readonly savedBy: string;
}

/** One entry of a model's history; a deletion is a version too (its `model` is the last one saved). */
export interface ModelVersion extends StoredModel {
  readonly isDeletion: boolean;
}

export interface ModelStore {
  /** Every model not deleted, by model id. */
  listModels(): Promise<StoredModel[]>;
  /** The current version; null when none was saved or the last version is a deletion. `modelId` in lower case. */
  findModel(modelId: string): Promise<StoredModel | null>;
  /**
   * Saves `model` (model id in lower case) as the next version. With `expectedVersion`, only when the current
   * version is that one (0: only when no model with this id exists, or it was deleted).
   * @throws OpenTpsError ERR_MODEL_VERSION_CONFLICT
   */
  saveModel(model: EquipmentModel, savedBy: string, atMs: number, expectedVersion?: number): Promise<StoredModel>;
  /** Records a deletion as the next version. @throws OpenTpsError ERR_MODEL_NOT_FOUND when there is no current model. */
  deleteModel(modelId: string, deletedBy: string, atMs: number): Promise<void>;
  /** Every version of the model, newest first, deletions included; empty when the id was never used. */
  listModelVersions(modelId: string): Promise<ModelVersion[]>;
}
