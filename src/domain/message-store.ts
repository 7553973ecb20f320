// The storage port for the durable per-CWM message queue (PROTOCOL.md A4/A5).

import { buildDownstreamOkm } from '../protocol/downstream-okm.js';

export type MessageState = 'queued' | 'delivered' | 'answered' | 'expired' | 'cancelled';

export interface MessageRecord {
  /** The queue entry id (unique in the whole store). */
  readonly id: number;
  readonly cwmId: string;
  /** The OKM `_id`, allocated per CWM. */
  readonly okmId: number;
  readonly destination: readonly string[];
  readonly cmd: 'wr' | 'rd';
  readonly payload: Record<string, unknown>;
  /** The exact OKM text delivered (CRC included); the same bytes on every delivery. */
  readonly okmText: string;
  readonly state: MessageState;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly deliveryCount: number;
  readonly deliveredAtMs: number | null;
  readonly answeredAtMs: number | null;
  /** The `_pld` of the answer OKM. */
  readonly result: Record<string, unknown> | null;
  readonly endedAtMs: number | null;
}

export interface NewMessage {
  readonly cwmId: string;
  readonly destination: readonly string[];
  readonly cmd: 'wr' | 'rd';
  readonly payload: Record<string, unknown>;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  /** Queue depth limit for this CWM (messages in state `queued`). */
  readonly maxQueued: number;
  /** The OKM's `_ts`, formatted when it was queued (e.g. `2026-11-24T12:00:00Z`). */
  readonly ts: string;
}

/**
 * The text of a queued OKM once its `_id` is allocated (inside the store's transaction). Data, not a
 * callback: a store on another thread (sqlite-store-thread.ts) receives the message as a copy.
 */
export function queuedOkmTextOf(message: NewMessage, okmId: number): string {
  return buildDownstreamOkm({ destination: message.destination, cmd: message.cmd, id: okmId, ts: message.ts, payload: message.payload });
}

export interface LeasedMessage {
  readonly message: MessageRecord;
  /** True when other messages remain queued for the CWM after this one. */
  readonly isMorePending: boolean;
}

export interface MessageStore {
  /**
   * Allocates the next `_id` for the CWM (1..65535, wrapping, never one still outstanding) and queues.
   * @throws OpenTpsError ERR_DEVICE_NOT_FOUND, ERR_QUEUE_FULL
   */
  enqueueMessage(message: NewMessage): Promise<MessageRecord>;
  /**
   * Takes the oldest queued, unexpired, unleased message of the CWM and leases it until `leaseUntilMs`
   * (it stays `queued`). Expires overdue messages of the CWM first. Null when there is none.
   */
  leaseNextMessage(cwmId: string, nowMs: number, leaseUntilMs: number): Promise<LeasedMessage | null>;
  /** The response carrying the message was fully written: `queued` -> `delivered`. */
  confirmDelivery(messageId: number, atMs: number): Promise<void>;
  /** The response was not written: the message is deliverable again at once. */
  releaseLease(messageId: number): Promise<void>;
  /** `lokm:false`: the last message delivered to the CWM, if still `delivered`, goes back to `queued`. Returns its id. */
  requeueLastDelivery(cwmId: string): Promise<number | null>;
  /** @throws OpenTpsError ERR_MESSAGE_NOT_FOUND, ERR_MESSAGE_NOT_CANCELLABLE */
  cancelMessage(messageId: number, atMs: number): Promise<MessageRecord>;
  findMessage(messageId: number): Promise<MessageRecord | null>;
  listMessages(cwmId: string, nowMs: number): Promise<MessageRecord[]>;
  /** How many messages wait for the CWM (state `queued`, not expired at `nowMs`). */
  countQueuedMessages(cwmId: string, nowMs: number): Promise<number>;
  /** True while anything is queued (unexpired) for the CWM. */
  hasPendingMessages(cwmId: string, nowMs: number): Promise<boolean>;
  /** Moves every overdue queued message to `expired`; returns how many. */
  expireMessages(nowMs: number): Promise<number>;
  /**
   * Removes up to `limit` messages that finished (answered, expired, cancelled) before `olderThanMs`, or were
   * delivered before it and never answered. Queued messages are never removed. Returns how many went.
   */
  pruneFinishedMessages(olderThanMs: number, limit: number): Promise<number>;
}
