// Contract for equipment models (ModelStore): versions numbered per model, a deletion recorded as a
// version, and a save that names the version it edited refused, with nothing written, when it is stale.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXAMPLE_FRYER_MODEL } from '../../src/domain/equipment-model/builtin-models.js';
import type { EquipmentModel } from '../../src/domain/equipment-model/data-dictionary.js';
import { T0, isCode, type ContractContext } from './store-fixtures.js';

function fryer(name: string): EquipmentModel {
  return { ...EXAMPLE_FRYER_MODEL, name };
}

export function defineModelStoreContract(context: ContractContext): void {
  describe('equipment models', () => {
    test('each save is the next version; the current one is found and listed, every one kept newest first', async () => {
      const first = await context.store.saveModel(fryer('Fryer'), 'alice', T0);
      const second = await context.store.saveModel(fryer('Fryer Mk2'), 'bob', T0 + 1, 1);
      assert.deepEqual([first.version, second.version], [1, 2]);
      assert.deepEqual(await context.store.findModel(EXAMPLE_FRYER_MODEL.modelId), { model: fryer('Fryer Mk2'), version: 2, savedAtMs: T0 + 1, savedBy: 'bob' });
      assert.deepEqual((await context.store.listModels()).map((stored) => [stored.model.modelId, stored.version]), [[EXAMPLE_FRYER_MODEL.modelId, 2]]);
      const versions = await context.store.listModelVersions(EXAMPLE_FRYER_MODEL.modelId);
      assert.deepEqual(versions.map((v) => [v.version, v.model.name, v.savedBy, v.isDeletion]), [[2, 'Fryer Mk2', 'bob', false], [1, 'Fryer', 'alice', false]]);
      assert.equal(await context.store.findModel('ffff'), null);
      assert.deepEqual(await context.store.listModelVersions('ffff'), []);
    });

    test('a save naming a stale version is refused and writes nothing', async () => {
      await context.store.saveModel(fryer('Fryer'), 'alice', T0, 0);
      await context.store.saveModel(fryer('Fryer Mk2'), 'bob', T0 + 1, 1);
      await assert.rejects(context.store.saveModel(fryer('Lost edit'), 'carol', T0 + 2, 1), isCode('ERR_MODEL_VERSION_CONFLICT'));
      await assert.rejects(context.store.saveModel(fryer('Lost edit'), 'carol', T0 + 2, 0), isCode('ERR_MODEL_VERSION_CONFLICT'));
      await assert.rejects(context.store.saveModel(fryer('Lost edit'), 'carol', T0 + 2, 3), isCode('ERR_MODEL_VERSION_CONFLICT'));
      assert.equal((await context.store.findModel(EXAMPLE_FRYER_MODEL.modelId))?.model.name, 'Fryer Mk2');
      assert.equal((await context.store.listModelVersions(EXAMPLE_FRYER_MODEL.modelId)).length, 2);
    });

    test('two saves of the same version at once: one is stored, the other refused', async () => {
      await context.store.saveModel(fryer('Fryer'), 'alice', T0);
      const outcomes = await Promise.allSettled([
        context.store.saveModel(fryer('A'), 'alice', T0 + 1, 1),
        context.store.saveModel(fryer('B'), 'bob', T0 + 1, 1),
      ]);
      assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
      assert.equal((await context.store.listModelVersions(EXAMPLE_FRYER_MODEL.modelId)).length, 2);
    });

    test('a deletion is a version; the numbers go on after it and a save expecting 0 starts the model again', async () => {
      await context.store.saveModel(fryer('Fryer'), 'alice', T0);
      await context.store.deleteModel(EXAMPLE_FRYER_MODEL.modelId, 'bob', T0 + 1);
      assert.equal(await context.store.findModel(EXAMPLE_FRYER_MODEL.modelId), null);
      assert.deepEqual(await context.store.listModels(), []);
      await assert.rejects(context.store.deleteModel(EXAMPLE_FRYER_MODEL.modelId, 'bob', T0 + 2), isCode('ERR_MODEL_NOT_FOUND'));
      await assert.rejects(context.store.saveModel(fryer('Again'), 'carol', T0 + 3, 2), isCode('ERR_MODEL_VERSION_CONFLICT'));
      const again = await context.store.saveModel(fryer('Again'), 'carol', T0 + 3, 0);
      assert.equal(again.version, 3);
      const versions = await context.store.listModelVersions(EXAMPLE_FRYER_MODEL.modelId);
      assert.deepEqual(versions.map((v) => [v.version, v.isDeletion, v.savedBy, v.model.name]), [[3, false, 'carol', 'Again'], [2, true, 'bob', 'Fryer'], [1, false, 'alice', 'Fryer']]);
      await assert.rejects(context.store.deleteModel('ffff', 'bob', T0), isCode('ERR_MODEL_NOT_FOUND'));
    });
  });
}
