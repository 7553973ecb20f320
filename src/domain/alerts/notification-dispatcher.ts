// Delivers the outbox (issue 16): claims the notifications due, hands each to the sender of its channel's kind,
// and records the outcome: delivered, failed and retried on the back-off schedule, or given up. Senders are
// injected (the webhook and SMTP adapters in production), so the domain holds no HTTP or SMTP; whatever a
// sender throws is a recorded failure, never the end of the loop.

import { OpenTpsError, isOpenTpsError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { AlertStore, ChannelKind, ChannelRecord, OutboxRecord } from './alert-store.js';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAtMs, type RandomSource, type RetrySchedule } from './retry-schedule.js';

/** Sends one entry on one channel; resolves when the receiver took it, throws (anything) when not. */
export type NotificationSender = (channel: ChannelRecord, entry: OutboxRecord) => Promise<void>;

export type NotificationSenders = { readonly [kind in ChannelKind]: NotificationSender };

/** The longest reason kept for a failure (the console shows it in a table cell). */
export const MAX_FAILURE_REASON_CHARS = 300;

/**
 * The error a sender throws for a notification that did not get through, with a short reason for the console
 * (`HTTP 500`, `timeout after 10 s`, `SMTP 550 ...`). A permanent failure (a channel with no secret, a payload
 * that cannot be read) is given up at once: retrying could not change it.
 */
export function notificationNotDelivered(reason: string, options?: { readonly isPermanent?: boolean; readonly cause?: unknown }): OpenTpsError {
  return new OpenTpsError('ERR_NOTIFICATION_NOT_DELIVERED', reason, {
    cause: options?.cause,
    details: { reason, isPermanent: options?.isPermanent ?? false },
  });
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_FAILURE_REASON_CHARS ? `${flat.slice(0, MAX_FAILURE_REASON_CHARS - 1)}…` : flat;
}

/** What a sender's failure is recorded as, and whether it is worth retrying. */
export function failureOf(error: unknown): { readonly reason: string; readonly isPermanent: boolean } {
  if (isOpenTpsError(error, 'ERR_NOTIFICATION_NOT_DELIVERED')) {
    const reason = error.details?.['reason'];
    return { reason: shorten(typeof reason === 'string' ? reason : error.message), isPermanent: error.details?.['isPermanent'] === true };
  }
  // A channel whose settings are invalid (ERR_CHANNEL_INVALID) stays invalid until an operator changes it.
  if (isOpenTpsError(error, 'ERR_CHANNEL_INVALID')) return { reason: shorten(error.message), isPermanent: true };
  if (error instanceof Error) return { reason: shorten(error.message === '' ? error.name : error.message), isPermanent: false };
  return { reason: shorten(`sender failed: ${String(error)}`), isPermanent: false };
}

export interface NotificationFailure {
  readonly entry: OutboxRecord;
  readonly reason: string;
  /** When it is tried again; null: given up. */
  readonly nextAttemptAtMs: number | null;
}

export interface NotificationDispatcherDeps {
  readonly store: Pick<AlertStore, 'claimDueNotifications' | 'markNotificationDelivered' | 'markNotificationFailed' | 'findChannel'>;
  readonly senders: NotificationSenders;
  readonly clock: Clock;
  readonly random: RandomSource;
  /**
   * How long a claimed entry is kept from other nodes. It must cover the whole batch: with `batchSize` entries
   * sent `concurrency` at a time, the last starts after (batchSize / concurrency - 1) sends, so at least
   * ceil(batchSize / concurrency) times the senders' timeout; otherwise another node may send it too.
   */
  readonly leaseMs: number;
  readonly batchSize: number;
  /** Entries sent at once (a slow receiver holds one slot, not the batch). Default 4. */
  readonly concurrency?: number;
  readonly schedule?: RetrySchedule;
  /** Told of each failure after it is recorded, e.g. to log it. */
  readonly onFailure?: (failure: NotificationFailure) => void;
}

export interface DispatchResult {
  readonly delivered: number;
  /** Failed and to be retried. */
  readonly failed: number;
  readonly gaveUp: number;
}

export interface NotificationDispatcher {
  /** Claims the entries due now and sends them; resolves when each has been recorded. Rejects only when the store fails. */
  runOnce(): Promise<DispatchResult>;
}

export const DEFAULT_DISPATCH_CONCURRENCY = 4;

type Outcome = 'delivered' | 'failed' | 'gaveUp';

export function createNotificationDispatcher(deps: NotificationDispatcherDeps): NotificationDispatcher {
  const { store, senders, clock } = deps;
  const concurrency = Math.max(1, deps.concurrency ?? DEFAULT_DISPATCH_CONCURRENCY);
  const schedule = deps.schedule ?? DEFAULT_RETRY_SCHEDULE;

  async function recordFailure(entry: OutboxRecord, reason: string, isPermanent: boolean): Promise<Outcome> {
    const atMs = clock.nowMs();
    // `attempts` counts the attempts made before this claim (the store adds one as it records each outcome).
    const nextAtMs = isPermanent ? null : nextAttemptAtMs({ createdAtMs: entry.createdAtMs, failedAttempt: entry.attempts + 1, failedAtMs: atMs }, deps.random, schedule);
    await store.markNotificationFailed(entry.id, atMs, reason, nextAtMs);
    try {
      deps.onFailure?.({ entry, reason, nextAttemptAtMs: nextAtMs });
    } catch {
      // A failing observer (a logger) must not turn a recorded failure into a lost entry; it was recorded.
    }
    return nextAtMs === null ? 'gaveUp' : 'failed';
  }

  async function dispatch(entry: OutboxRecord): Promise<Outcome> {
    const channel = await store.findChannel(entry.channelId);
    if (channel === null) return recordFailure(entry, 'channel deleted', true);
    if (!channel.isEnabled) return recordFailure(entry, 'channel disabled', true);
    try {
      await senders[channel.target.kind](channel, entry);
    } catch (error) {
      const failure = failureOf(error);
      return recordFailure(entry, failure.reason, failure.isPermanent);
    }
    // Outside the try: a store failure here is not the receiver's. The lease then runs out and the entry is sent
    // again with the same message id, which the receiver drops as a repeat.
    await store.markNotificationDelivered(entry.id, clock.nowMs());
    return 'delivered';
  }

  return {
    async runOnce() {
      const entries = await store.claimDueNotifications(clock.nowMs(), deps.leaseMs, deps.batchSize);
      const counts: Record<Outcome, number> = { delivered: 0, failed: 0, gaveUp: 0 };
      const storeErrors: unknown[] = [];
      let next = 0;
      async function work(): Promise<void> {
        for (let index = next++; index < entries.length; index = next++) {
          const entry = entries[index];
          if (entry === undefined) continue;
          try {
            counts[await dispatch(entry)] += 1;
          } catch (error) {
            // Only the store throws here (senders' errors are recorded): the others still get their turn.
            storeErrors.push(error);
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, work));
      if (storeErrors.length > 0) throw storeErrors[0];
      return counts;
    },
  };
}
