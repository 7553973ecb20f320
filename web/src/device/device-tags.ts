// A CWM's tags on its page (issue 15: tags group devices for alerts and campaigns later), saved at once.
import type { ApiClient } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';
import { createTagsEditor } from '../equipment/tags-editor.js';

export interface DeviceTagsCard {
  readonly element: HTMLElement;
  /** Reads the tags again (the page's refresh). */
  readonly refresh: () => Promise<void>;
}

export function createDeviceTagsCard(api: ApiClient, deviceId: string): DeviceTagsCard {
  const editor = createTagsEditor((next) => api.equipment.setDeviceTags(deviceId, next));
  const errorArea = el('div');
  const element = el('section', { class: 'card device-tags', 'aria-labelledby': 'device-tags-title' }, el('h2', { id: 'device-tags-title' }, 'Tags'), errorArea, editor.element);
  const refresh = async (): Promise<void> => {
    try {
      editor.show(await api.equipment.deviceTags(deviceId));
      replaceChildren(errorArea);
    } catch (error) {
      replaceChildren(errorArea, errorBox(error));
    }
  };
  void refresh();
  return { element, refresh };
}
