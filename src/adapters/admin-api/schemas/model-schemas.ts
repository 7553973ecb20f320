// /api/v1/models: equipment models and their data dictionaries (issue 15; docs/api.md "Models").

import { Type } from '@sinclair/typebox';
import { EquipmentModelSchema } from '../../../domain/equipment-model/data-dictionary.js';
import { IsoTime } from './common-schemas.js';

export const ModelIdParams = Type.Object({ modelId: Type.String({ description: 'the MODEL_ID: 4 hex digits (any case)' }) });

export const StoredModelSchema = Type.Object({
  model: EquipmentModelSchema,
  version: Type.Integer({ minimum: 1 }),
  savedAt: IsoTime(),
  savedBy: Type.String(),
  isBuiltin: Type.Boolean({ description: 'shipped with OpenTPS: can be changed, not deleted' }),
});

export const ModelListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      modelId: Type.String(),
      name: Type.String(),
      maker: Type.String(),
      kind: Type.String(),
      fieldCount: Type.Integer(),
      version: Type.Integer(),
      savedAt: IsoTime(),
      savedBy: Type.String(),
      isBuiltin: Type.Boolean(),
      mismatchCount: Type.Integer({ description: 'heartbeat values that did not fit this dictionary, on this node since it started' }),
    }),
  ),
});

/**
 * The body of PUT: the model itself, checked by the domain (dictionary-validation.ts) so that every broken
 * rule is named with its path (`fields[3].unit`) in one ERR_MODEL_INVALID; `expectedVersion` as a query
 * parameter guards against overwriting someone else's save.
 */
export const ModelBody = Type.Unknown({ description: 'an equipment model: see the JSON Schema at /api/v1/schemas/equipment-model.json' });

export const ModelSaveQuery = Type.Object({
  expectedVersion: Type.Optional(Type.Integer({ minimum: 0, description: 'save only if the model is at this version (0: only if it does not exist); else ERR_MODEL_VERSION_CONFLICT' })),
});

export const ModelVersionsSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      version: Type.Integer(),
      savedAt: IsoTime(),
      savedBy: Type.String(),
      isDeletion: Type.Boolean(),
      model: EquipmentModelSchema,
    }),
  ),
});

export const ModelMismatchesSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      key: Type.String(),
      count: Type.Integer(),
      lastRaw: Type.Unknown(),
      lastOriginId: Type.String(),
      lastAt: IsoTime(),
    }),
  ),
});

/** The problems of a model that was checked, not saved (the console's editor validates as you type). */
export const ModelCheckSchema = Type.Object({
  isValid: Type.Boolean(),
  problems: Type.Array(Type.Object({ path: Type.String(), problem: Type.String() })),
});
