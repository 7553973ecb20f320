// Equipment models and their versions in the PostgreSQL store (domain/equipment-model/model-store.ts).
// A save or a deletion is one transaction that first takes a lock on the model id (advisory, transaction
// scoped: it exists before the model's row does), so two nodes saving the same model are serialised and
// the version check reads what the write then builds on.

import type { ModelStore } from '../../../domain/equipment-model/model-store.js';
import { OpenTpsError } from '../../../errors.js';
import { MODEL_COLUMNS, isDeletedRow, toModelVersion, toStoredModel, type ModelRow } from '../stored-rows/model-row.js';
import type { PostgresDatabase, SqlRunner } from './postgres-database.js';

const UPSERT_CURRENT = `
  INSERT INTO equipment_models (${MODEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (model_id) DO UPDATE SET version = excluded.version, document = excluded.document, saved_at = excluded.saved_at,
    saved_by = excluded.saved_by, is_deleted = excluded.is_deleted`;
const INSERT_VERSION = `INSERT INTO equipment_model_versions (${MODEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`;

async function lockModel(tx: SqlRunner, modelId: string): Promise<ModelRow | undefined> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('opentps model ' || $1))", [modelId]);
  const { rows } = await tx.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM equipment_models WHERE model_id = $1`, [modelId]);
  return rows[0];
}

export function createPostgresModelRepo(db: PostgresDatabase): ModelStore {
  return {
    async listModels() {
      const { rows } = await db.read.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM equipment_models WHERE NOT is_deleted ORDER BY model_id`);
      return rows.map(toStoredModel);
    },
    async findModel(modelId) {
      const { rows } = await db.read.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM equipment_models WHERE model_id = $1`, [modelId]);
      const row = rows[0];
      return row && !isDeletedRow(row) ? toStoredModel(row) : null;
    },
    saveModel(model, savedBy, atMs, expectedVersion) {
      return db.transaction(async (tx) => {
        const current = await lockModel(tx, model.modelId);
        const liveVersion = current && !isDeletedRow(current) ? Number(current.version) : 0;
        if (expectedVersion !== undefined && expectedVersion !== liveVersion) {
          throw new OpenTpsError('ERR_MODEL_VERSION_CONFLICT', `${model.modelId}: version ${liveVersion} is current, not ${expectedVersion}`);
        }
        // Numbers continue after a deletion: a version number names one document forever.
        const version = Number(current?.version ?? 0) + 1;
        const values = [model.modelId, version, JSON.stringify(model), atMs, savedBy, false];
        await tx.query(UPSERT_CURRENT, values);
        await tx.query(INSERT_VERSION, values);
        return { model, version, savedAtMs: atMs, savedBy };
      });
    },
    async deleteModel(modelId, deletedBy, atMs) {
      await db.transaction(async (tx) => {
        const current = await lockModel(tx, modelId);
        if (!current || isDeletedRow(current)) throw new OpenTpsError('ERR_MODEL_NOT_FOUND', modelId);
        const values = [modelId, Number(current.version) + 1, current.document, atMs, deletedBy, true];
        await tx.query(UPSERT_CURRENT, values);
        await tx.query(INSERT_VERSION, values);
      });
    },
    async listModelVersions(modelId) {
      const { rows } = await db.read.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM equipment_model_versions WHERE model_id = $1 ORDER BY version DESC`, [modelId]);
      return rows.map(toModelVersion);
    },
  };
}
