// Sends one message from any send form and reports the outcome (queued, or the server's refusal) next to it.
import type { ApiClient } from '../api-client.js';
import type { Message, NewMessage } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorBox } from '../error-message.js';

export interface MessageSender {
  /** Sends `message`, disabling `button` meanwhile and writing the outcome into `statusArea`. */
  readonly send: (message: NewMessage, button: HTMLButtonElement, statusArea: HTMLElement) => Promise<void>;
}

export function createMessageSender(api: ApiClient, cwmId: string, onSent: (message: Message) => void): MessageSender {
  return {
    send: async (message, button, statusArea) => {
      button.disabled = true;
      replaceChildren(statusArea);
      try {
        const queued = await api.sendMessage(cwmId, message);
        replaceChildren(
          statusArea,
          el('div', { class: 'alert alert-success', role: 'status' }, `Message ${queued.id} is ${queued.state}.`),
        );
        onSent(queued);
      } catch (error) {
        replaceChildren(statusArea, errorBox(error));
      } finally {
        button.disabled = false;
      }
    },
  };
}
