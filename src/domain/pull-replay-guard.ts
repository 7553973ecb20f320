// Replay protection for signed /pull requests (PROTOCOL.md A4, "Replayed pulls").
//
// The HMAC covers `req` only, and `req` carries no nonce: the one thing in it that changes is `ts`, the
// CWM's clock (second resolution, usually local time without a zone). A recorded pull URL (a proxy's access
// log, a traffic export) is therefore valid for ever unless the server remembers what it already took.
// The rule, per CWM, on the device's clock converted to an instant (device-clock-reading.ts):
//
// 1. A pull whose clock reading is later than every pull taken so far is taken: the mark moves to it.
// 2. A pull at exactly the mark is taken when its signature differs from those already taken at the mark
//    (a CWM may pull several times within one second, `lokm` or key order telling them apart), and
//    refused as `repeated` when it is one of them (an exact replay within the same second, or a CWM that
//    sent the identical text twice in one second: it is told to retry in a second, with a new `ts`).
// 3. A pull before the mark is refused as `stale` (the replay of an older pull), unless the CWM's clock was
//    set back to the true time: a reading within RESYNC_WINDOW_MS of the server's clock that lies more than
//    RESYNC_WINDOW_MS before the mark moves the mark back (a CWM that ran fast and called /time).
//
// Limits (also in docs/replay-protection.md): a clock that goes back while it is wrong by more than the
// window (say a CWM set three hours late whose zone changed) is refused until it passes its old mark again;
// the Retry-After says how long, capped at the protocol's longest back-off. Rotating the device's key
// clears the mark, since every recorded signature then stops verifying anyway.

/** How close to the server's clock a reading must be to set a CWM's mark back. */
export const RESYNC_WINDOW_MS = 120_000;
/** Distinct pulls taken within one second of the CWM's clock; more are refused as repeated. */
export const MAX_TAGS_AT_MARK = 32;
/** The longest Retry-After we give: a CWM's own back-off goes up to 2 minutes (PROTOCOL.md 3.4). */
export const MAX_REPLAY_RETRY_AFTER_S = 120;
/** Characters of the (lower-case hex) signature kept to tell pulls apart: 64 bits, collisions need the key. */
export const SIGNATURE_TAG_LENGTH = 16;

export type ReplayReason = 'repeated' | 'stale';

/** What the store keeps per CWM. `markMs` null: no signed pull taken yet. */
export interface PullClockMark {
  readonly markMs: number | null;
  /** Tags of the pulls taken at `markMs`. */
  readonly tags: readonly string[];
}

export interface PullReading {
  /** The pull's `ts` as an instant (device-clock-reading.ts). */
  readonly deviceMs: number;
  /** signatureTag() of the pull's sha256hmac. */
  readonly tag: string;
  readonly nowMs: number;
}

export type PullAdmission =
  | { readonly isAdmitted: true; readonly next: PullClockMark }
  | { readonly isAdmitted: false; readonly reason: ReplayReason; readonly retryAfterS: number };

export function signatureTag(signature: string): string {
  return signature.slice(0, SIGNATURE_TAG_LENGTH).toLowerCase();
}

/** Decides one pull against the CWM's mark; the store applies `next` in the same transaction. */
export function decidePullAdmission(mark: PullClockMark, reading: PullReading): PullAdmission {
  const { deviceMs, tag, nowMs } = reading;
  if (mark.markMs === null || deviceMs > mark.markMs) return { isAdmitted: true, next: { markMs: deviceMs, tags: [tag] } };
  if (deviceMs === mark.markMs) {
    if (mark.tags.includes(tag) || mark.tags.length >= MAX_TAGS_AT_MARK) return { isAdmitted: false, reason: 'repeated', retryAfterS: 1 };
    return { isAdmitted: true, next: { markMs: deviceMs, tags: [...mark.tags, tag] } };
  }
  const isNearTrueTime = Math.abs(deviceMs - nowMs) <= RESYNC_WINDOW_MS;
  if (isNearTrueTime && mark.markMs - deviceMs > RESYNC_WINDOW_MS) return { isAdmitted: true, next: { markMs: deviceMs, tags: [tag] } };
  const untilPastMarkS = Math.ceil((mark.markMs - deviceMs) / 1000) + 1;
  return { isAdmitted: false, reason: 'stale', retryAfterS: Math.min(MAX_REPLAY_RETRY_AFTER_S, untilPastMarkS) };
}

/** The tags as one stored text (space-separated: tags are hex). */
export function encodeMarkTags(tags: readonly string[]): string {
  return tags.join(' ');
}

export function decodeMarkTags(text: string | null): string[] {
  return text ? text.split(' ') : [];
}
