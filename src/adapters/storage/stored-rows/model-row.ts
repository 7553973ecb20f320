// Equipment model rows (current and versions) as both backends return them, and their domain records.

import type { EquipmentModel } from '../../../domain/equipment-model/data-dictionary.js';
import type { ModelVersion, StoredModel } from '../../../domain/equipment-model/model-store.js';

export interface ModelRow {
  model_id: string;
  version: number;
  document: string;
  saved_at: number;
  saved_by: string;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  is_deleted: number | boolean;
}

export const MODEL_COLUMNS = 'model_id, version, document, saved_at, saved_by, is_deleted';

export function isDeletedRow(row: ModelRow): boolean {
  return row.is_deleted === true || row.is_deleted === 1;
}

/**
 * The stored document as the model it was: only documents the domain validated (dictionary-validation.ts)
 * are ever written, so it is not validated again on each read.
 */
export function toStoredModel(row: ModelRow): StoredModel {
  const model = JSON.parse(row.document) as EquipmentModel;
  return { model, version: Number(row.version), savedAtMs: Number(row.saved_at), savedBy: row.saved_by };
}

export function toModelVersion(row: ModelRow): ModelVersion {
  return { ...toStoredModel(row), isDeletion: isDeletedRow(row) };
}
