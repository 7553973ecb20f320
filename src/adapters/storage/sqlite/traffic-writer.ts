// Hands traffic entries to the worker thread that writes traffic.db (traffic-writer-worker.mjs): the
// entries of one event-loop turn go in one message and one transaction there; each caller is answered when
// its transaction committed or failed.

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { TrafficEntry } from '../../../domain/traffic-store.js';
import { OpenTpsError } from '../../../errors.js';
import { UNKNOWN_TRAFFIC_BUCKET } from '../stored-rows/traffic-row.js';
import type { BatchObserver } from '../commit-observer.js';

type InsertRow = [string, string | null, number, string | null, string, string, string, string, number, string, number, string | null, string | null, string | null, string | null, string | null];

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface WorkerMessage {
  readonly type: string;
  readonly id?: number;
  readonly message?: string;
}

export interface TrafficWriter {
  write(entry: TrafficEntry, keepPerBucket: number): Promise<void>;
  /** Entries handed over and not yet committed. */
  readonly pendingCount: number;
  /** Resolves once every entry handed over so far has been committed or refused. */
  drain(): Promise<void>;
  /** Waits for what was handed over, then stops the worker. */
  close(): Promise<void>;
}

function toInsertRow(entry: TrafficEntry): InsertRow {
  return [
    entry.deviceId ?? UNKNOWN_TRAFFIC_BUCKET, entry.claimedDeviceId, entry.receivedAtMs, entry.remoteAddress, entry.method, entry.url,
    JSON.stringify(entry.headers), entry.body, entry.status, entry.response, entry.durationMs,
    entry.signatureVerdict, entry.crcVerdict, entry.errorCode, entry.clientCertSubject, entry.clientCertSerial,
  ];
}

export function startTrafficWriter(options: { path: string; busyTimeoutMs: number; onBatchSettled?: BatchObserver | undefined }): TrafficWriter {
  const { onBatchSettled, ...workerOptions } = options;
  let worker: Worker | null = null;
  let isClosed = false;
  let nextId = 1;
  let pending = 0;
  let queued: Array<{ row: InsertRow; keep: number; waiter: Waiter }> = [];
  let isScheduled = false;
  const inFlight = new Map<number, Waiter[]>();
  const sentAtMs = new Map<number, number>();
  let drainWaiters: Array<() => void> = [];
  const notifyDrained = (): void => {
    if (pending > 0) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const waiter of waiters) waiter();
  };

  const failInFlight = (message: string): void => {
    for (const waiters of inFlight.values()) {
      pending -= waiters.length;
      for (const waiter of waiters) waiter.reject(new OpenTpsError('ERR_STORE_FAILED', `recording traffic: ${message}`));
    }
    inFlight.clear();
    notifyDrained();
  };

  // Started on the first entry: a CLI process that opens the store never records traffic.
  const workerOf = (): Worker => {
    if (worker) return worker;
    const started = new Worker(new URL('./traffic-writer-worker.mjs', import.meta.url), { workerData: workerOptions });
    started.unref();
    started.on('message', (message: WorkerMessage) => {
      const waiters = message.id === undefined ? undefined : inFlight.get(message.id);
      if (!waiters || message.id === undefined) return;
      inFlight.delete(message.id);
      pending -= waiters.length;
      const startedMs = sentAtMs.get(message.id);
      sentAtMs.delete(message.id);
      if (startedMs !== undefined) onBatchSettled?.(waiters.length, performance.now() - startedMs);
      const failure = message.type === 'failed' ? new OpenTpsError('ERR_STORE_FAILED', `recording traffic: ${message.message ?? 'failed'}`) : null;
      for (const waiter of waiters) failure ? waiter.reject(failure) : waiter.resolve();
      notifyDrained();
    });
    started.on('error', (error) => failInFlight(error.message));
    started.on('exit', () => {
      failInFlight('the traffic writer has stopped');
      worker = null;
    });
    worker = started;
    return started;
  };

  const send = (): void => {
    isScheduled = false;
    const batch = queued;
    queued = [];
    // One message per keep value (in practice one: the server's --traffic-per-device).
    for (const keep of new Set(batch.map((item) => item.keep))) {
      const items = batch.filter((item) => item.keep === keep);
      const id = nextId++;
      inFlight.set(id, items.map((item) => item.waiter));
      if (onBatchSettled) sentAtMs.set(id, performance.now());
      workerOf().postMessage({ type: 'write', id, keep, rows: items.map((item) => item.row) });
    }
  };

  return {
    write(entry, keepPerBucket) {
      if (isClosed) return Promise.reject(new OpenTpsError('ERR_STORE_FAILED', 'the store is closed'));
      return new Promise<void>((resolve, reject) => {
        queued.push({ row: toInsertRow(entry), keep: keepPerBucket, waiter: { resolve, reject } });
        pending++;
        if (!isScheduled) {
          isScheduled = true;
          setImmediate(send);
        }
      });
    },
    get pendingCount() {
      return pending;
    },
    drain() {
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      if (isScheduled) send();
      const running = worker;
      if (!running) return;
      // Messages are handled in order: 'closed' comes after every batch sent before it.
      const closed = new Promise<void>((resolve) => running.on('message', (message: WorkerMessage) => message.type === 'closed' && resolve()));
      running.postMessage('close');
      await Promise.race([closed, once(running, 'exit')]);
      await running.terminate();
    },
  };
}
