// The files `opentps model import` reads and `opentps model export` writes: JSON (one model, or an array of
// models) and CSV (one model, dictionary-csv.ts). Reading judges every model before anything is saved, so an
// import is all or none; every problem is reported, each with where it is (`model 2 ("e0f2"), fields[3].unit`
// in JSON, `row 7, column unit` in CSV).

import { extname } from 'node:path';
import { OpenTpsError } from '../errors.js';
import type { EquipmentModel } from '../domain/equipment-model/data-dictionary.js';
import { formatCsvLocation, formatDictionaryCsv, parseDictionaryCsv, type DictionaryCsvProblem } from '../domain/equipment-model/dictionary-csv.js';
import { validateEquipmentModel, type DictionaryProblem } from '../domain/equipment-model/dictionary-validation.js';
import { describeDuplicateMember, findDuplicateMember } from '../protocol/json-duplicate-members.js';

export const MODEL_FILE_FORMATS = ['json', 'csv'] as const;
export type ModelFileFormat = (typeof MODEL_FILE_FORMATS)[number];

/** Spreadsheets and some editors start a UTF-8 file with a byte order mark; JSON.parse refuses it. */
const BOM = '\uFEFF';

function isModelFileFormat(text: string): text is ModelFileFormat {
  return (MODEL_FILE_FORMATS as readonly string[]).includes(text);
}

/**
 * The format `--format` names, else the one the file name's extension names, else `fallback`.
 * @throws OpenTpsError ERR_CLI_USAGE for another --format, or no format to be found
 */
export function resolveModelFileFormat(given: string | undefined, path: string | undefined, fallback?: ModelFileFormat): ModelFileFormat {
  if (given !== undefined) {
    if (!isModelFileFormat(given)) throw new OpenTpsError('ERR_CLI_USAGE', `--format takes json or csv, got ${JSON.stringify(given)}`);
    return given;
  }
  const extension = path === undefined ? '' : extname(path).slice(1).toLowerCase();
  if (isModelFileFormat(extension)) return extension;
  if (fallback !== undefined) return fallback;
  throw new OpenTpsError('ERR_CLI_USAGE', `cannot tell the format of ${JSON.stringify(path ?? '')} from its name; give --format json or --format csv`);
}

/** The models of a JSON text: the value itself when it is an object, each element when it is an array. */
function modelsOfJson(text: string, name: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new OpenTpsError('ERR_MODEL_INVALID', `${name} is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  // JSON.parse would keep the last of two values silently; the file's author meant one of them.
  const duplicate = findDuplicateMember(text);
  if (duplicate !== null) throw new OpenTpsError('ERR_JSON_DUPLICATE_KEY', describeDuplicateMember(duplicate, name));
  return Array.isArray(value) ? value : [value];
}

/** `model 2 ("e0f2")` for the second model of an array; nothing for a file of one model. */
function nameOf(model: unknown, index: number, count: number): string {
  if (count === 1) return '';
  const id = typeof model === 'object' && model !== null && 'modelId' in model ? model.modelId : undefined;
  return `model ${index + 1}${typeof id === 'string' ? ` (${JSON.stringify(id)})` : ''}`;
}

/**
 * Every model of a JSON file, each validated; the same model id twice is refused too (which would win?).
 * @throws OpenTpsError ERR_MODEL_INVALID listing every problem of every model; ERR_JSON_DUPLICATE_KEY
 */
function readJsonModels(text: string, name: string): EquipmentModel[] {
  const inputs = modelsOfJson(text, name);
  if (inputs.length === 0) throw new OpenTpsError('ERR_MODEL_INVALID', `${name} holds an empty array: no model to import`);
  const lines: string[] = [];
  const problems: Array<DictionaryProblem & { readonly model: number }> = [];
  const firstById = new Map<string, number>();
  inputs.forEach((input, index) => {
    const where = nameOf(input, index, inputs.length);
    for (const problem of validateEquipmentModel(input)) {
      problems.push({ ...problem, model: index });
      const at = [where, problem.path].filter((part) => part !== '').join(', ');
      lines.push(at === '' ? problem.problem : `${at}: ${problem.problem}`);
    }
    const id = typeof input === 'object' && input !== null && 'modelId' in input && typeof input.modelId === 'string' ? input.modelId.toLowerCase() : null;
    if (id === null) return;
    const first = firstById.get(id);
    if (first === undefined) firstById.set(id, index);
    else {
      problems.push({ path: 'modelId', problem: `model id ${id} is also model ${first + 1}'s`, model: index });
      lines.push(`${where}, modelId: model id ${id} is also model ${first + 1}'s`);
    }
  });
  if (problems.length > 0) {
    throw new OpenTpsError('ERR_MODEL_INVALID', `${name}: nothing imported\n${lines.join('\n')}`, { details: { problems } });
  }
  // Each was judged by validateEquipmentModel, which ends with the schema's own check.
  return inputs as EquipmentModel[];
}

/**
 * The models a model file holds, all of them valid. `name` is how messages refer to the file.
 * @throws OpenTpsError ERR_MODEL_INVALID, ERR_JSON_DUPLICATE_KEY
 */
export function readModelFile(text: string, format: ModelFileFormat, name: string): EquipmentModel[] {
  if (format === 'csv') {
    try {
      return [parseDictionaryCsv(text)];
    } catch (error) {
      if (error instanceof OpenTpsError && error.code === 'ERR_MODEL_INVALID') {
        // The same problems, each at its row and column, after the file's name and the outcome.
        const problems = (error.details?.['problems'] ?? []) as DictionaryCsvProblem[];
        const lines = problems.map((problem) => `${formatCsvLocation(problem)}: ${problem.problem}`);
        throw new OpenTpsError('ERR_MODEL_INVALID', `${name}: nothing imported\n${lines.join('\n')}`, { cause: error, details: error.details });
      }
      throw error;
    }
  }
  return readJsonModels(text.startsWith(BOM) ? text.slice(BOM.length) : text, name);
}

/**
 * The text of a model file: CSV holds exactly one model; JSON is the model itself when `isOneModel`, else an
 * array (so `export` of one named model writes an object, of all models an array, both of which import reads).
 */
export function formatModelFile(models: readonly EquipmentModel[], format: ModelFileFormat, isOneModel: boolean): string {
  if (format === 'csv') {
    const [model] = models;
    if (model === undefined || models.length !== 1) throw new OpenTpsError('ERR_CLI_USAGE', `a CSV file holds one model, not ${models.length}; name exactly one MODEL_ID`);
    return formatDictionaryCsv(model);
  }
  return `${JSON.stringify(isOneModel && models.length === 1 ? models[0] : models, null, 2)}\n`;
}
