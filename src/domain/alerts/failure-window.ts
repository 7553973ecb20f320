// Recent CRC or HMAC failures per CWM (issue 16: "CRC or HMAC failures" as an alert condition): the times of
// the last failures within a window, so "at least N in the last hour" is answered from memory on the request
// path. Each node counts the requests it answered; in a cluster a CWM's failures spread over the nodes are
// counted per node (the alert fires on the node that sees N).

export const FAILURE_WINDOW_MS = 3_600_000;

export interface FailureWindow {
  /** Notes a failure of `deviceId` at `atMs`; returns the failures within the window, this one included. */
  note(deviceId: string, atMs: number): number;
  /** Failures of `deviceId` within the window ending at `nowMs`. */
  countOf(deviceId: string, nowMs: number): number;
  /** CWMs with failures noted (for the sweep that lets old ones lapse). */
  deviceIds(): IterableIterator<string>;
}

/** `keepAtMost`: the most failures kept per CWM (the largest `atLeast` of the rules that read it). */
export function createFailureWindow(keepAtMost: () => number): FailureWindow {
  const times = new Map<string, number[]>();
  const prune = (deviceId: string, list: number[], nowMs: number): number[] => {
    const kept = list.filter((atMs) => nowMs - atMs < FAILURE_WINDOW_MS);
    if (kept.length === 0) times.delete(deviceId);
    else times.set(deviceId, kept);
    return kept;
  };
  return {
    note(deviceId, atMs) {
      const list = prune(deviceId, times.get(deviceId) ?? [], atMs);
      list.push(atMs);
      const cap = Math.max(1, keepAtMost());
      if (list.length > cap) list.splice(0, list.length - cap);
      times.set(deviceId, list);
      return list.length;
    },
    countOf(deviceId, nowMs) {
      const list = times.get(deviceId);
      return list === undefined ? 0 : prune(deviceId, list, nowMs).length;
    },
    deviceIds: () => times.keys(),
  };
}
