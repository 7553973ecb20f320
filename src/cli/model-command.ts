// `opentps model list|show|import|export|versions|delete|schema`: equipment models and their data dictionaries
// from the command line (issue 15), through the model catalog, so every save is validated, versioned and
// audited as the admin API's are (actor "cli", as the other commands record). The built-in models are installed
// first, so a store no server has started yet still lists, shows and exports them.

import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig } from '../config/load-config.js';
import type { EquipmentModel } from '../domain/equipment-model/data-dictionary.js';
import type { ModelCatalog } from '../domain/equipment-model/model-catalog.js';
import type { StoredModel } from '../domain/equipment-model/model-store.js';
import { formatEquipmentModelJsonSchema } from '../domain/equipment-model/model-json-schema.js';
import { OpenTpsError } from '../errors.js';
import { openServices } from '../main.js';
import type { CliIo } from './cli-io.js';
import { configFlags, parseCommandArgs, type OptionSpec, type ParsedCommand } from './command-args.js';
import { formatModelFile, readModelFile, resolveModelFileFormat } from './model-file.js';
import { formatTable, formatTime } from './text-table.js';

/** Who the audit log says saved or deleted a model from the command line, as for every other command. */
const CLI_ACTOR = 'cli';

const JSON_OPTION: OptionSpec = { json: { type: 'boolean' } };
const IMPORT_OPTIONS: OptionSpec = { format: { type: 'string' }, 'expected-version': { type: 'string' }, as: { type: 'string' } };
const EXPORT_OPTIONS: OptionSpec = { format: { type: 'string' }, out: { type: 'string' } };

export async function runModelCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return listModels(rest, io);
    case 'show':
      return showModel(rest, io);
    case 'import':
      return importModels(rest, io);
    case 'export':
      return exportModels(rest, io);
    case 'versions':
      return listVersions(rest, io);
    case 'delete':
      return deleteModel(rest, io);
    case 'schema':
      parseCommandArgs(rest, {}, { min: 0, max: 0 });
      io.out(formatEquipmentModelJsonSchema().trimEnd());
      return 0;
    default:
      throw new OpenTpsError('ERR_CLI_USAGE', `model takes "list", "show", "import", "export", "versions", "delete" or "schema", got ${JSON.stringify(sub ?? '')}`);
  }
}

/** Opens the store, installs the built-in models it lacks, runs `use` with the catalog, closes the store. */
async function withCatalog<T>(values: ParsedCommand['values'], options: OptionSpec, io: CliIo, use: (catalog: ModelCatalog) => Promise<T>): Promise<T> {
  const services = await openServices(loadConfig(configFlags(values, options), io.env));
  try {
    await services.modelCatalog.installBuiltins();
    return await use(services.modelCatalog);
  } finally {
    await services.store.close();
  }
}

function stringOption(values: ParsedCommand['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

async function listModels(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, JSON_OPTION, { min: 0, max: 0 });
  const models = await withCatalog(values, JSON_OPTION, io, (catalog) => catalog.list());
  if (values['json'] === true) {
    io.out(JSON.stringify(models.map(({ model, ...saved }) => ({ modelId: model.modelId, name: model.name, maker: model.maker, kind: model.kind, fields: model.fields.length, ...saved }))));
    return 0;
  }
  io.out(
    formatTable(
      ['ID', 'NAME', 'KIND', 'FIELDS', 'VERSION', 'SAVED BY', 'SAVED AT'],
      models.map(({ model, version, savedBy, savedAtMs }) => [model.modelId, model.name, model.kind, String(model.fields.length), String(version), savedBy, formatTime(savedAtMs)]),
    ),
  );
  return 0;
}

async function showModel(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, {}, { min: 1, max: 1 });
  const stored = await withCatalog(values, {}, io, (catalog) => catalog.get(positionals[0] ?? ''));
  io.out(JSON.stringify(stored, null, 2));
  return 0;
}

async function listVersions(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, JSON_OPTION, { min: 1, max: 1 });
  const versions = await withCatalog(values, JSON_OPTION, io, (catalog) => catalog.versions(positionals[0] ?? ''));
  if (values['json'] === true) {
    io.out(JSON.stringify(versions.map(({ model, ...version }) => ({ ...version, fields: model.fields.length }))));
    return 0;
  }
  io.out(
    formatTable(
      ['VERSION', 'CHANGE', 'FIELDS', 'SAVED BY', 'SAVED AT'],
      versions.map((version) => [String(version.version), version.isDeletion ? 'deleted' : 'saved', String(version.model.fields.length), version.savedBy, formatTime(version.savedAtMs)]),
    ),
  );
  return 0;
}

async function deleteModel(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, {}, { min: 1, max: 1 });
  const modelId = positionals[0] ?? '';
  await withCatalog(values, {}, io, (catalog) => catalog.remove(modelId, CLI_ACTOR));
  io.err(`deleted model ${modelId.toLowerCase()} (its versions are kept: opentps model versions ${modelId.toLowerCase()})`);
  return 0;
}

/** `--expected-version N`: a whole number, 0 meaning "only if no such model exists". */
function expectedVersionOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new OpenTpsError('ERR_CLI_USAGE', `--expected-version takes a whole number (0: the model must not exist yet), got ${JSON.stringify(text)}`);
  return Number(text);
}

async function importModels(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, IMPORT_OPTIONS, { min: 1, max: 1 });
  const path = positionals[0] ?? '';
  const format = resolveModelFileFormat(stringOption(values, 'format'), path);
  const expectedVersion = expectedVersionOf(stringOption(values, 'expected-version'));
  const saveAs = stringOption(values, 'as');
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new OpenTpsError('ERR_CLI_USAGE', `cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
  // Every model is judged before the store is opened: a bad one anywhere in the file saves nothing.
  const models = readModelFile(text, format, path);
  if (models.length > 1 && (expectedVersion !== undefined || saveAs !== undefined)) {
    throw new OpenTpsError('ERR_CLI_USAGE', `--expected-version and --as apply to a file of one model; ${path} holds ${models.length}`);
  }
  const describe = ({ model, version }: StoredModel): string => `imported ${model.modelId} ${JSON.stringify(model.name)} as version ${version} (${model.fields.length} fields)`;
  const saved = await withCatalog(values, IMPORT_OPTIONS, io, async (catalog) => {
    const results: StoredModel[] = [];
    for (const model of models) {
      const modelId = saveAs ?? model.modelId;
      const input: EquipmentModel = { ...model, modelId };
      try {
        results.push(await catalog.save(modelId, input, CLI_ACTOR, expectedVersion));
      } catch (error) {
        // Every model was valid, so only the store can refuse here (a conflict with a save made meanwhile, a
        // store error): the models saved before stay saved, and the operator must know which they are.
        for (const done of results) io.err(`${describe(done)} before the failure below`);
        throw error;
      }
    }
    return results;
  });
  for (const stored of saved) io.out(describe(stored));
  return 0;
}

async function exportModels(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals: modelIds, values } = parseCommandArgs(args, EXPORT_OPTIONS, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const out = stringOption(values, 'out');
  const format = resolveModelFileFormat(stringOption(values, 'format'), out, 'json');
  if (format === 'csv' && modelIds.length !== 1) throw new OpenTpsError('ERR_CLI_USAGE', `a CSV file holds one model: name exactly one MODEL_ID (got ${modelIds.length})`);
  const models = await withCatalog(values, EXPORT_OPTIONS, io, async (catalog) => {
    if (modelIds.length === 0) return (await catalog.list()).map((stored) => stored.model);
    const found: EquipmentModel[] = [];
    for (const modelId of modelIds) found.push((await catalog.get(modelId)).model);
    return found;
  });
  const text = formatModelFile(models, format, modelIds.length === 1);
  if (out === undefined) {
    // io.out ends the text with a line break of its own.
    io.out(text.replace(/\r?\n$/, ''));
    return 0;
  }
  await writeFile(out, text).catch((cause: unknown) => {
    throw new OpenTpsError('ERR_CLI_USAGE', `cannot write ${out}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
  io.err(`exported ${models.length} model${models.length === 1 ? '' : 's'} to ${out}`);
  return 0;
}
