// When each CWM this node knows of goes silent for long enough to count as offline (issue 16: "offline rules on
// a timer over an index, O(changes) not O(fleet)"). A min-heap of deadlines, one live entry per CWM: a request
// moves the CWM's deadline (the old entry is left and skipped when it surfaces), and a sweep pops only the
// deadlines that passed, so it costs the CWMs that fell silent, not the fleet.

export interface DeadlineEntry {
  readonly deviceId: string;
  readonly deadlineMs: number;
}

export interface OfflineDeadlines {
  /** Sets (or moves) the CWM's deadline. */
  set(deviceId: string, deadlineMs: number): void;
  /** Forgets the CWM (no deadline until set again). */
  remove(deviceId: string): void;
  /** Removes and returns the CWMs whose deadline is at or before `nowMs`, earliest first, at most `limit`. */
  takeDue(nowMs: number, limit: number): DeadlineEntry[];
  /** The CWM's current deadline, if any. */
  deadlineOf(deviceId: string): number | undefined;
  readonly size: number;
}

export function createOfflineDeadlines(): OfflineDeadlines {
  const current = new Map<string, number>();
  // Heap of [deadlineMs, deviceId]; stale entries (not equal to `current`) are dropped when popped.
  const heap: Array<[number, string]> = [];
  const swap = (i: number, j: number): void => {
    const tmp = heap[i] as [number, string];
    heap[i] = heap[j] as [number, string];
    heap[j] = tmp;
  };
  const less = (i: number, j: number): boolean => (heap[i] as [number, string])[0] < (heap[j] as [number, string])[0];
  const push = (entry: [number, string]): void => {
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = (): [number, string] | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && less(left, smallest)) smallest = left;
        if (right < heap.length && less(right, smallest)) smallest = right;
        if (smallest === i) break;
        swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  };
  const compact = (): void => {
    // Stale entries pile up when CWMs report often; rebuild once they outnumber the live ones 4 to 1.
    if (heap.length < 1024 || heap.length < current.size * 4) return;
    heap.length = 0;
    for (const [deviceId, deadlineMs] of current) push([deadlineMs, deviceId]);
  };
  return {
    set(deviceId, deadlineMs) {
      if (current.get(deviceId) === deadlineMs) return;
      current.set(deviceId, deadlineMs);
      push([deadlineMs, deviceId]);
      compact();
    },
    remove(deviceId) {
      current.delete(deviceId);
    },
    takeDue(nowMs, limit) {
      const due: DeadlineEntry[] = [];
      while (due.length < limit && heap.length > 0 && (heap[0] as [number, string])[0] <= nowMs) {
        const entry = pop();
        if (entry === undefined) break;
        const [deadlineMs, deviceId] = entry;
        if (current.get(deviceId) !== deadlineMs) continue;
        current.delete(deviceId);
        due.push({ deviceId, deadlineMs });
      }
      return due;
    },
    deadlineOf: (deviceId) => current.get(deviceId),
    get size() {
      return current.size;
    },
  };
}
