// Equipment models and their versions in the embedded store (domain/equipment-model/model-store.ts): the
// current version in equipment_models, every version in equipment_model_versions, both written in one
// batch transaction, so a version conflict found there leaves nothing written.

import type { Database } from 'better-sqlite3';
import type { ModelStore } from '../../../domain/equipment-model/model-store.js';
import { OpenTpsError } from '../../../errors.js';
import { MODEL_COLUMNS as COLUMNS, isDeletedRow, toModelVersion, toStoredModel, type ModelRow } from '../stored-rows/model-row.js';
import type { WriteBatcher } from './write-batcher.js';

export function createSqliteModelRepo(db: Database, batcher: WriteBatcher): ModelStore {
  const selectCurrent = db.prepare<[string], ModelRow>(`SELECT ${COLUMNS} FROM equipment_models WHERE model_id = ?`);
  const selectLive = db.prepare<[], ModelRow>(`SELECT ${COLUMNS} FROM equipment_models WHERE is_deleted = 0 ORDER BY model_id`);
  const selectVersions = db.prepare<[string], ModelRow>(`SELECT ${COLUMNS} FROM equipment_model_versions WHERE model_id = ? ORDER BY version DESC`);
  const upsertCurrent = db.prepare(
    `INSERT INTO equipment_models (${COLUMNS}) VALUES (@modelId, @version, @document, @savedAt, @savedBy, @isDeleted)
     ON CONFLICT (model_id) DO UPDATE SET version = excluded.version, document = excluded.document, saved_at = excluded.saved_at,
       saved_by = excluded.saved_by, is_deleted = excluded.is_deleted`,
  );
  const insertVersion = db.prepare(
    `INSERT INTO equipment_model_versions (${COLUMNS}) VALUES (@modelId, @version, @document, @savedAt, @savedBy, @isDeleted)`,
  );

  return {
    async listModels() {
      return selectLive.all().map(toStoredModel);
    },
    async findModel(modelId) {
      const row = selectCurrent.get(modelId);
      return row && !isDeletedRow(row) ? toStoredModel(row) : null;
    },
    saveModel(model, savedBy, atMs, expectedVersion) {
      return batcher.run(() => {
        const current = selectCurrent.get(model.modelId);
        const liveVersion = current && !isDeletedRow(current) ? current.version : 0;
        if (expectedVersion !== undefined && expectedVersion !== liveVersion) {
          throw new OpenTpsError('ERR_MODEL_VERSION_CONFLICT', `${model.modelId}: version ${liveVersion} is current, not ${expectedVersion}`);
        }
        // Numbers continue after a deletion: a version number names one document forever.
        const version = (current?.version ?? 0) + 1;
        const row = { modelId: model.modelId, version, document: JSON.stringify(model), savedAt: atMs, savedBy, isDeleted: 0 };
        upsertCurrent.run(row);
        insertVersion.run(row);
        return { model, version, savedAtMs: atMs, savedBy };
      });
    },
    deleteModel(modelId, deletedBy, atMs) {
      return batcher.run(() => {
        const current = selectCurrent.get(modelId);
        if (!current || isDeletedRow(current)) throw new OpenTpsError('ERR_MODEL_NOT_FOUND', modelId);
        const row = { modelId, version: current.version + 1, document: current.document, savedAt: atMs, savedBy: deletedBy, isDeleted: 1 };
        upsertCurrent.run(row);
        insertVersion.run(row);
      });
    },
    async listModelVersions(modelId) {
      return selectVersions.all(modelId).map(toModelVersion);
    },
  };
}
