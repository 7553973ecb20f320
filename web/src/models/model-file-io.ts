// A model as a JSON file in the browser: exported as a download, imported through a file input.
import { parseModelText } from './model-file.js';
import type { JsonObject } from '../json-object.js';

/** Starts a download of `model` as `<modelId>.json`, pretty-printed so it diffs well in version control. */
export function downloadModel(model: Readonly<Record<string, unknown>>): void {
  const modelId = typeof model['modelId'] === 'string' && model['modelId'] !== '' ? model['modelId'] : 'model';
  const blob = new Blob([`${JSON.stringify(model, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${modelId}.json`;
  link.click();
  // The click has started the download; revoking later keeps slow browsers from losing it.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The JSON object in `file`; its rules are checked by the editor once loaded. */
export async function readModelFile(file: File): Promise<JsonObject> {
  return parseModelText(await file.text(), file.name);
}
