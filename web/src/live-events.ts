// One EventSource on /api/v1/events per session, fanned out to the pages that listen.
import type { Static } from '@sinclair/typebox';
import { DeviceSeenEventSchema, TelemetryEventSchema } from '../../src/adapters/admin-api/schemas/event-schemas.js';
import { MessageSchema } from '../../src/adapters/admin-api/schemas/message-schemas.js';
import { AlertSchema } from '../../src/adapters/admin-api/schemas/alert-schemas.js';
import { checkAnswer } from './api-shape-error.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The server's schema of each event's data (event-schemas.ts, message-schemas.ts). */
const SCHEMAS = { 'device-seen': DeviceSeenEventSchema, telemetry: TelemetryEventSchema, 'message-state': MessageSchema, alert: AlertSchema } as const;

export type LiveEventType = keyof typeof SCHEMAS;
type EventOf<K extends LiveEventType> = Static<(typeof SCHEMAS)[K]>;
export type LiveEventMap = { readonly [K in LiveEventType]: EventOf<K> };

const RECONNECT_DELAY_MS = 5_000;

type Listener<K extends LiveEventType> = (event: EventOf<K>) => void;

/**
 * Typed subscriptions to the server's live events. The browser's EventSource reconnects by itself;
 * a page that must not miss changes refetches when `onConnectionChange` reports `open` again.
 */
export class LiveEvents {
  private source: EventSource | null = null;
  private url: string | null = null;
  private retryTimer: number | undefined;
  private readonly listeners = new Map<LiveEventType, Set<(event: never) => void>>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private state: ConnectionState = 'closed';

  open(url: string): void {
    this.close();
    this.url = url;
    this.connect(url);
  }

  close(): void {
    this.url = null;
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
    this.setState('closed');
  }

  private connect(url: string): void {
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    this.setState('connecting');
    source.addEventListener('open', () => this.setState('open'));
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) {
        this.setState('connecting');
        return;
      }
      // The browser gives up for good after an HTTP error (a restarting server answers 503); keep trying.
      // If the session has ended instead, the next API call's 401 logs out and close() stops this.
      this.setState('closed');
      window.clearTimeout(this.retryTimer);
      this.retryTimer = window.setTimeout(() => {
        if (this.url === url && this.source === source) this.connect(url);
      }, RECONNECT_DELAY_MS);
    });
    for (const type of Object.keys(SCHEMAS) as LiveEventType[]) {
      source.addEventListener(type, (event) => this.dispatch(type, event));
    }
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Returns the unsubscribe function. */
  on<K extends LiveEventType>(type: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(type) ?? new Set<(event: never) => void>();
    this.listeners.set(type, set);
    const stored = listener as (event: never) => void;
    set.add(stored);
    return () => set.delete(stored);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.state);
    return () => this.connectionListeners.delete(listener);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.connectionListeners) listener(state);
  }

  private dispatch<K extends LiveEventType>(type: K, event: Event): void {
    if (!(event instanceof MessageEvent) || typeof event.data !== 'string') return;
    let parsed: EventOf<K>;
    try {
      parsed = checkAnswer(SCHEMAS[type], JSON.parse(event.data), `event ${type}`);
    } catch (error) {
      console.warn(`ignored a malformed ${type} event`, error);
      return;
    }
    const set = this.listeners.get(type);
    if (set === undefined) return;
    for (const listener of set) (listener as Listener<K>)(parsed);
  }
}
