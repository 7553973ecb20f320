// When each CWM this node knows of goes silent for long enough to count as offline (issue 16: "offline rules on
// a timer over an index, O(changes) not O(fleet)"). Deadlines sit in one-second buckets: a request moves its
// CWM from one bucket to another (two set operations, nothing left behind), and a sweep visits only the buckets
// that have passed, so it touches the CWMs whose deadline passed and no other. (A heap of deadlines, tried
// first, popped a stale entry for every request since the last sweep: about 8,000 per sweep at 100,000 CWMs
// reporting each minute, 31 ms of a 5 s sweep; bench/offline-sweep.ts.)

export interface DeadlineEntry {
  readonly deviceId: string;
  readonly deadlineMs: number;
}

export interface OfflineDeadlines {
  /** Sets (or moves) the CWM's deadline. */
  set(deviceId: string, deadlineMs: number): void;
  /** Forgets the CWM (no deadline until set again). */
  remove(deviceId: string): void;
  /** Removes and returns the CWMs whose deadline is at or before `nowMs`, earliest bucket first, at most `limit`. */
  takeDue(nowMs: number, limit: number): DeadlineEntry[];
  /** The CWM's current deadline, if any. */
  deadlineOf(deviceId: string): number | undefined;
  readonly size: number;
}

const BUCKET_MS = 1000;

export function createOfflineDeadlines(): OfflineDeadlines {
  const current = new Map<string, number>();
  const buckets = new Map<number, Set<string>>();
  // The bucket numbers that have a set, as a min-heap (a few hundred at most: one per second of deadlines ahead).
  const heap: number[] = [];
  const bucketOf = (deadlineMs: number): number => Math.floor(deadlineMs / BUCKET_MS);
  const push = (bucket: number): void => {
    heap.push(bucket);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] ?? 0) <= bucket) break;
      heap[i] = heap[parent] ?? 0;
      i = parent;
    }
    heap[i] = bucket;
  };
  const popTop = (): void => {
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = last;
      let next = -1;
      if (left < heap.length && (heap[left] ?? 0) < smallest) {
        smallest = heap[left] ?? 0;
        next = left;
      }
      if (right < heap.length && (heap[right] ?? 0) < smallest) next = right;
      if (next < 0) break;
      heap[i] = heap[next] ?? 0;
      i = next;
    }
    heap[i] = last;
  };
  const unlink = (deviceId: string, deadlineMs: number): void => {
    buckets.get(bucketOf(deadlineMs))?.delete(deviceId);
  };
  return {
    set(deviceId, deadlineMs) {
      const previous = current.get(deviceId);
      if (previous === deadlineMs) return;
      if (previous !== undefined) unlink(deviceId, previous);
      current.set(deviceId, deadlineMs);
      const bucket = bucketOf(deadlineMs);
      let members = buckets.get(bucket);
      if (members === undefined) {
        buckets.set(bucket, (members = new Set()));
        push(bucket);
      }
      members.add(deviceId);
    },
    remove(deviceId) {
      const previous = current.get(deviceId);
      if (previous === undefined) return;
      unlink(deviceId, previous);
      current.delete(deviceId);
    },
    takeDue(nowMs, limit) {
      const due: DeadlineEntry[] = [];
      const nowBucket = bucketOf(nowMs);
      while (due.length < limit && heap.length > 0 && (heap[0] ?? 0) <= nowBucket) {
        const bucket = heap[0] ?? 0;
        const members = buckets.get(bucket);
        if (members !== undefined) {
          for (const deviceId of members) {
            if (due.length >= limit) break;
            const deadlineMs = current.get(deviceId);
            if (deadlineMs === undefined || deadlineMs > nowMs) continue;
            members.delete(deviceId);
            current.delete(deviceId);
            due.push({ deviceId, deadlineMs });
          }
          // The bucket of `now` may keep members due later in this second; the next sweep takes them.
          if (members.size > 0) break;
          buckets.delete(bucket);
        }
        popTop();
      }
      return due;
    },
    deadlineOf: (deviceId) => current.get(deviceId),
    get size() {
      return current.size;
    },
  };
}
