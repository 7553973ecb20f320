// Turns any thrown value into the one line an operator sees, keeping the server's code and message.
import { ApiError } from './api-client.js';
import { el } from './dom-builder.js';

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An alert box announced to screen readers. */
export function errorBox(error: unknown): HTMLDivElement {
  return el('div', { class: 'alert alert-error', role: 'alert' }, describeError(error));
}
