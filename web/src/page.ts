// What every page receives and returns, so the app shell can mount and dispose pages alike.
import type { ApiClient } from './api-client.js';
import type { LiveEvents } from './live-events.js';

export interface PageContext {
  readonly api: ApiClient;
  readonly events: LiveEvents;
}

export interface Page {
  readonly element: HTMLElement;
  /** Stops timers and event subscriptions when the operator leaves the page. */
  readonly dispose: () => void;
}

/** Things a page or panel sets up and must tear down; disposers run in reverse order. */
export class Disposables {
  private readonly disposers: (() => void)[] = [];

  add(disposer: () => void): void {
    this.disposers.push(disposer);
  }

  disposeAll(): void {
    while (this.disposers.length > 0) this.disposers.pop()?.();
  }
}
