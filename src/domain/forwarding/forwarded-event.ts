// What forwarding sends (issue 17): one event per thing that happened, of a few kinds, each with an id that is
// the same every time the event is sent again (after a restart, a takeover by another node, a retry), so that a
// receiver drops duplicates by it: delivery is at least once.

export const FORWARDED_EVENT_KINDS = ['telemetry', 'answer', 'message-state', 'device-status', 'alert'] as const;
export type ForwardedEventKind = (typeof FORWARDED_EVENT_KINDS)[number];

export interface ForwardedEvent {
  /** Stable across re-sends: see the *EventId functions. */
  readonly id: string;
  readonly kind: ForwardedEventKind;
  /** The CWM the event is about (ordering is per CWM). */
  readonly cwmId: string;
  /** The equipment (an OKM's origin, an alert's subject); the CWM itself when the event is about it. */
  readonly deviceId: string;
  /** Its model id (lower-case 4 hex digits), null when the id names none. */
  readonly modelId: string | null;
  readonly siteId: number | null;
  /** When it happened on the server (an OKM's receipt, a state change). */
  readonly atMs: number;
  /** The event's own content: the OKM raw and decoded, the message, the alert... */
  readonly body: Readonly<Record<string, unknown>>;
}

/** A stored OKM's event: its store id is unique and never reused. @example okmEventId(1234) // 'okm-1234' */
export function okmEventId(okmStoreId: number): string {
  return `okm-${okmStoreId}`;
}

/** A message's change of state: (message id, state) happens once. */
export function messageStateEventId(messageId: number, state: string): string {
  return `msg-${messageId}-${state}`;
}

/** An alert's change: its change sequence number is unique across the store. */
export function alertEventId(changeSeq: number): string {
  return `alert-${changeSeq}`;
}

/** A CWM going online or offline at a time. */
export function deviceStatusEventId(cwmId: string, status: 'online' | 'offline', atMs: number): string {
  return `status-${encodeURIComponent(cwmId)}-${status}-${atMs}`;
}
