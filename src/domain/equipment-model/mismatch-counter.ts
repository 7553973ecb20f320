// Counts heartbeat values that do not fit their dictionary field (issue 15 "bad input": stored as sent, shown
// raw with a marker, counted per model). Fed with each stored heartbeat after it is acknowledged, like the
// rollups: a Map lookup and a type check per field, no allocation on a fitting value, no store access.
// Counts are this node's since it started (the metric opentps_heartbeat_mismatches_total adds up a cluster's).

import type { EquipmentModel } from './data-dictionary.js';
import { fieldsByKey } from './dictionary-index.js';
import { isFieldMismatch } from './field-decoding.js';

export interface FieldMismatchCount {
  readonly modelId: string;
  readonly key: string;
  readonly count: number;
  /** The last value that did not fit, as sent, and where it came from. */
  readonly lastRaw: unknown;
  readonly lastOriginId: string;
  readonly lastAtMs: number;
}

export interface MismatchCounter {
  /** Checks each field of a stored heartbeat against the model of its origin (`modelId` null: none). */
  add(modelId: string | null, originId: string, atMs: number, heartbeat: Readonly<Record<string, unknown>> | null): void;
  /** Counts per model and field since start, by model then key. */
  counts(): FieldMismatchCount[];
  /** Counts of one model. */
  countsOf(modelId: string): FieldMismatchCount[];
}

export interface MismatchCounterDeps {
  /** The current models by id: must answer at once (a cache snapshot; model-catalog.ts peekModels). */
  readonly modelsById: () => ReadonlyMap<string, EquipmentModel>;
  /** Called once per value that does not fit (the metric). */
  readonly onMismatch?: ((modelId: string) => void) | undefined;
}

interface MutableCount {
  count: number;
  lastRaw: unknown;
  lastOriginId: string;
  lastAtMs: number;
}

export function createMismatchCounter(deps: MismatchCounterDeps): MismatchCounter {
  const byModel = new Map<string, Map<string, MutableCount>>();
  const rows = (modelId: string, fields: Map<string, MutableCount>): FieldMismatchCount[] =>
    [...fields.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, count]) => ({ modelId, key, ...count }));
  return {
    add(modelId, originId, atMs, heartbeat) {
      if (modelId === null || heartbeat === null) return;
      const model = deps.modelsById().get(modelId);
      if (model === undefined) return;
      const index = fieldsByKey(model);
      for (const key in heartbeat) {
        const field = index.get(key);
        if (field === undefined || !isFieldMismatch(field, heartbeat[key])) continue;
        let fields = byModel.get(modelId);
        if (fields === undefined) {
          fields = new Map();
          byModel.set(modelId, fields);
        }
        const count = fields.get(key);
        if (count === undefined) fields.set(key, { count: 1, lastRaw: heartbeat[key], lastOriginId: originId, lastAtMs: atMs });
        else {
          count.count++;
          count.lastRaw = heartbeat[key];
          count.lastOriginId = originId;
          count.lastAtMs = atMs;
        }
        deps.onMismatch?.(modelId);
      }
    },
    counts() {
      return [...byModel.keys()].sort().flatMap((modelId) => rows(modelId, byModel.get(modelId) ?? new Map()));
    },
    countsOf(modelId) {
      const fields = byModel.get(modelId);
      return fields === undefined ? [] : rows(modelId, fields);
    },
  };
}
