// A model file's contents: parsed, and turned into what the dictionary editor's inputs can hold (model-file-io.ts
// does the browser's download and file reading).
import { FIELD_CLASSES, FIELD_TYPES, type DictionaryField } from '../../../src/domain/equipment-model/data-dictionary.js';
import { isJsonObject, type JsonObject } from '../json-object.js';

/** Thrown when an imported file is not a JSON object: the message says what it is instead. */
export class ModelFileError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ModelFileError';
  }
}

/** The JSON object in a model file's text; its rules are checked by the editor once loaded. */
export function parseModelText(text: string, fileName: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ModelFileError(`${fileName} is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  if (!isJsonObject(parsed)) throw new ModelFileError(`${fileName} holds JSON but not an object: a model file is one model object`);
  return parsed;
}

/** A model as far as the editor can show it: members of the wrong type are left for the editor to ask for. */
export interface EditableModel {
  readonly modelId?: string;
  readonly name?: string;
  readonly maker?: string;
  readonly kind?: string;
  readonly fields?: readonly Partial<DictionaryField>[];
}

/** Takes from an imported object what the editor's inputs can hold. */
export function toEditableModel(object: JsonObject): EditableModel {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const fields = Array.isArray(object['fields']) ? object['fields'].filter(isJsonObject).map(toEditableField) : [];
  return { modelId: text(object['modelId']), name: text(object['name']), maker: text(object['maker']), kind: text(object['kind']), fields };
}

function toEditableField(object: JsonObject): Partial<DictionaryField> {
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const labels = (value: unknown): Record<string, string> | undefined => {
    if (!isJsonObject(value)) return undefined;
    return Object.fromEntries(Object.entries(value).map(([key, label]) => [key, typeof label === 'string' ? label : JSON.stringify(label)]));
  };
  const fieldClass = FIELD_CLASSES.find((candidate) => candidate === object['class']);
  const fieldType = FIELD_TYPES.find((candidate) => candidate === object['type']);
  return {
    key: typeof object['key'] === 'string' ? object['key'] : undefined,
    label: typeof object['label'] === 'string' ? object['label'] : undefined,
    class: fieldClass,
    type: fieldType,
    unit: typeof object['unit'] === 'string' ? object['unit'] : undefined,
    scale: number(object['scale']),
    offset: number(object['offset']),
    precision: number(object['precision']),
    min: number(object['min']),
    max: number(object['max']),
    enumLabels: labels(object['enumLabels']),
    bitLabels: labels(object['bitLabels']),
    itemLabels: Array.isArray(object['itemLabels']) ? object['itemLabels'].map((label) => (typeof label === 'string' ? label : JSON.stringify(label))) : undefined,
    haccp: object['haccp'] === true,
  };
}
