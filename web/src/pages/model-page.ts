// One equipment model: its dictionary editor (validated as you type), Save with the version it was loaded at
// (a stale save is refused and the operator told to reload), Delete (not for built-ins), Import from and
// Export to a JSON file, the version history and the values heartbeats sent that did not fit it.
import { ApiError } from '../api-client.js';
import type { ModelMismatch, StoredModel } from '../api-model.js';
import { compactJson } from '../device/json-view.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { labeledField } from '../form-field.js';
import { navigate, routeHash } from '../hash-router.js';
import { createDictionaryEditor } from '../models/dictionary-editor.js';
import { toEditableModel } from '../models/model-file.js';
import { downloadModel, readModelFile } from '../models/model-file-io.js';
import { createVersionHistory } from '../models/version-history.js';
import { validateEquipmentModel } from '../../../src/domain/equipment-model/dictionary-validation.js';
import type { Page, PageContext } from '../page.js';
import { badge } from '../status-badge.js';
import { describeMoment } from '../time-format.js';

export function createModelPage(context: PageContext, modelId: string | null): Page {
  const { api } = context;
  let stored: StoredModel | null = null;
  let isSaving = false;

  const title = el('h1', {}, modelId === null ? 'New model' : el('span', { class: 'mono' }, modelId));
  const badges = el('span', { class: 'badge-row' });
  const savedNote = el('p', { class: 'muted' });
  const status = el('div', { role: 'status', class: 'save-status' });
  const errorArea = el('div');
  const saveButton = el('button', { type: 'button', class: 'primary' }, 'Save');
  const exportButton = el('button', { type: 'button' }, 'Export JSON');
  const deleteButton = el('button', { type: 'button', class: 'danger', hidden: true }, 'Delete model');
  const importInput = el('input', { type: 'file', accept: 'application/json,.json', name: 'import' });
  const mismatches = el('div');
  const editor = createDictionaryEditor((problems) => {
    saveButton.disabled = isSaving || problems.length > 0;
  });
  const history = createVersionHistory((version) => {
    editor.load(version.model, stored !== null);
    replaceChildren(status, el('div', { class: 'alert alert-warn' }, `Version ${version.version} is in the editor: Save makes it the newest version.`));
  });

  const showStored = (model: StoredModel): void => {
    stored = model;
    replaceChildren(title, el('span', {}, model.model.name), ' ', el('span', { class: 'device-name mono' }, model.model.modelId));
    replaceChildren(badges, model.isBuiltin ? badge('built-in', 'info', 'Shipped with OpenTPS: it can be changed, not deleted') : null, badge(`version ${model.version}`, 'neutral'));
    const saved = describeMoment(model.savedAt);
    savedNote.textContent = `Saved ${saved.text} by ${model.savedBy}.`;
    savedNote.title = saved.title;
    deleteButton.hidden = model.isBuiltin;
  };

  const loadExtras = async (id: string): Promise<void> => {
    const [versions, found] = await Promise.allSettled([api.models.versions(id), api.models.mismatches(id)]);
    if (versions.status === 'fulfilled') history.show(versions.value);
    if (found.status === 'fulfilled') replaceChildren(mismatches, renderMismatches(found.value));
  };

  const load = async (): Promise<void> => {
    if (modelId === null) {
      editor.load({ fields: [] }, false);
      history.show([]);
      return;
    }
    try {
      const model = await api.models.get(modelId);
      showStored(model);
      editor.load(model.model, true);
      await loadExtras(model.model.modelId);
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };

  const save = async (): Promise<void> => {
    if (editor.check().length > 0) return;
    const draft = editor.read();
    const targetId = typeof draft['modelId'] === 'string' ? draft['modelId'] : '';
    // A model loaded here is saved over its own version; another id (a new model, an imported file) only if new.
    const expectedVersion = stored !== null && stored.model.modelId.toLowerCase() === targetId.toLowerCase() ? stored.version : 0;
    isSaving = true;
    saveButton.disabled = true;
    replaceChildren(errorArea);
    try {
      const saved = await api.models.save(targetId, draft, expectedVersion);
      if (modelId === null || saved.model.modelId.toLowerCase() !== modelId.toLowerCase()) {
        navigate({ name: 'model', modelId: saved.model.modelId });
        return;
      }
      showStored(saved);
      editor.load(saved.model, true);
      replaceChildren(status, el('div', { class: 'alert alert-success' }, `Saved version ${saved.version}.`));
      await loadExtras(saved.model.modelId);
    } catch (error) {
      replaceChildren(status);
      replaceChildren(errorArea, error instanceof ApiError && error.code === 'ERR_MODEL_VERSION_CONFLICT' ? conflictBox(error) : errorBox(error));
    } finally {
      isSaving = false;
      saveButton.disabled = editor.check().length > 0;
    }
  };

  const conflictBox = (error: ApiError): HTMLElement => {
    const reload = el('button', { type: 'button' }, 'Reload the model');
    reload.addEventListener('click', () => {
      replaceChildren(errorArea);
      replaceChildren(status);
      void load();
    });
    return el(
      'div',
      { class: 'alert alert-error', role: 'alert' },
      el('p', {}, `Not saved: someone saved this model after you opened it (${error.code}). Reload it to see their version, then apply your change again; reloading discards what you typed here.`),
      reload,
    );
  };

  saveButton.addEventListener('click', () => void save());
  exportButton.addEventListener('click', () => downloadModel(editor.read()));
  deleteButton.addEventListener('click', () => {
    if (stored === null || !window.confirm(`Delete the model ${stored.model.name} (${stored.model.modelId})? Its history is kept.`)) return;
    api.models
      .remove(stored.model.modelId)
      .then(() => navigate({ name: 'models' }))
      .catch((error: unknown) => replaceChildren(errorArea, errorBox(error)));
  });
  importInput.addEventListener('change', () => {
    const file = importInput.files?.[0];
    if (file === undefined) return;
    readModelFile(file)
      .then((object) => {
        const editable = toEditableModel(object);
        // The id of a loaded model stays; a file of another model id is saved as that (new) model.
        editor.load(editable, false);
        const fileProblems = validateEquipmentModel(object).length;
        const verdict = fileProblems === 0 ? 'It is valid: Save stores it.' : `The file has ${fileProblems} problem(s), shown below: fix them, then Save.`;
        replaceChildren(status, el('div', { class: 'alert alert-warn' }, `Loaded ${file.name} into the editor. ${verdict}`));
        replaceChildren(errorArea);
      })
      .catch((error: unknown) => replaceChildren(errorArea, errorBox(error)))
      .finally(() => {
        importInput.value = '';
      });
  });

  void load();

  const element = el(
    'main',
    { class: 'page model-page' },
    el('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: routeHash({ name: 'models' }) }, 'Models'), ' / ', el('span', { class: 'mono' }, modelId ?? 'new')),
    el(
      'section',
      { class: 'card' },
      el('div', { class: 'page-header' }, title, badges),
      savedNote,
      el('div', { class: 'inline-actions' }, saveButton, exportButton, labeledField('Import a JSON file', importInput), el('div', { class: 'toolbar-spacer' }), deleteButton),
      status,
      errorArea,
    ),
    el('section', { class: 'card', 'aria-labelledby': 'dictionary-title' }, el('h2', { id: 'dictionary-title' }, 'Data dictionary'), editor.element),
    el('div', { class: 'two-columns' }, history.element, mismatches),
  );
  // Nothing to stop: the page has no timers or subscriptions.
  return { element, dispose: () => undefined };
}

function renderMismatches(items: readonly ModelMismatch[]): HTMLElement {
  const content =
    items.length === 0
      ? el('p', { class: 'muted' }, 'Every value received fitted the dictionary.')
      : el(
          'table',
          { class: 'data-table compact' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col', class: 'numeric' }, 'Count'), el('th', { scope: 'col' }, 'Last raw'), el('th', { scope: 'col' }, 'From'))),
          el('tbody', {}, ...items.map((item) => el('tr', {}, el('td', { class: 'mono' }, item.key), el('td', { class: 'numeric' }, item.count), el('td', { class: 'mono' }, compactJson(item.lastRaw)), el('td', { class: 'mono' }, item.lastOriginId)))),
        );
  return el('section', { class: 'card', 'aria-labelledby': 'model-mismatches-title' }, el('h2', { id: 'model-mismatches-title' }, 'Values that did not fit'), content);
}
