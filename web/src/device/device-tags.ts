// A CWM's tags on its page (issue 15: tags group devices for alerts and campaigns later), saved at once.
import type { ApiClient } from '../api-client.js';
import { errorBox } from '../error-message.js';
import { createTagsEditor } from '../equipment/tags-editor.js';

export interface DeviceTagsCard {
  readonly element: HTMLElement;
  /** Reads the tags again (the page's refresh). */
  readonly refresh: () => Promise<void>;
}

export function createDeviceTagsCard(api: ApiClient, deviceId: string): DeviceTagsCard {
  // The editor is the card (titled "Tags"); a failed read is shown inside it.
  const editor = createTagsEditor((next) => api.equipment.setDeviceTags(deviceId, next));
  editor.element.classList.add('device-tags');
  let readError: HTMLElement | null = null;
  const refresh = async (): Promise<void> => {
    try {
      editor.show(await api.equipment.deviceTags(deviceId));
      readError?.remove();
      readError = null;
    } catch (error) {
      readError?.remove();
      readError = errorBox(error);
      editor.element.appendChild(readError);
    }
  };
  void refresh();
  return { element: editor.element, refresh };
}
