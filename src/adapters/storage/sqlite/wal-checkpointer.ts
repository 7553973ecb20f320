// Keeps checkpoints out of the event loop: the main connection runs with wal_autocheckpoint=0 (no
// checkpoint inside a COMMIT, which stalled every request behind it), and a worker thread with its own
// connection checkpoints the WAL every interval. Measured: with 30,000 virtual CWMs on one node, the
// in-COMMIT checkpoints pushed p99 from ~11 ms to over 100 ms.
// Those PASSIVE checkpoints never restart the WAL while writes keep coming; wal-bound.ts asks this
// worker for a RESTART checkpoint, with the writers held, when the WAL grows past its bound.

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { OpenTpsError } from '../../../errors.js';

export type CheckpointMode = 'PASSIVE' | 'RESTART';

export interface CheckpointResult {
  /**
   * PASSIVE: every frame was copied. RESTART: every frame was copied and no reader is left on the WAL, so
   * the next commit writes it from the start. False when a lock wait ran out (or, for PASSIVE, frames remain).
   */
  readonly isComplete: boolean;
  /** Frames in the WAL, and how many of them are in the database, after the checkpoint (-1: unknown). */
  readonly walFrames: number;
  readonly checkpointedFrames: number;
  /** Time the worker spent on it. */
  readonly durationMs: number;
}

export interface WalCheckpointer {
  /**
   * Runs a checkpoint as soon as the worker is free (after one in progress). A RESTART waits at most
   * `busyTimeoutMs` for each lock it needs, so a reader that never ends cannot hold the write lock for ever.
   * @throws OpenTpsError ERR_STORE_FAILED when the checkpoint fails or the checkpointer is closed
   */
  checkpoint(mode: CheckpointMode, busyTimeoutMs: number): Promise<CheckpointResult>;
  close(): Promise<void>;
}

interface WorkerMessage {
  readonly type: string;
  readonly id?: number | null;
  readonly busy?: number;
  readonly log?: number;
  readonly checkpointed?: number;
  readonly ms?: number;
  readonly message?: string;
}

export function startWalCheckpointer(options: { path: string; intervalMs: number; busyTimeoutMs: number; onError: (message: string) => void }): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
    workerData: { path: options.path, intervalMs: options.intervalMs, busyTimeoutMs: options.busyTimeoutMs },
  });
  worker.unref();
  let nextId = 1;
  const waiting = new Map<number, { resolve: (result: CheckpointResult) => void; reject: (error: unknown) => void }>();
  const failAll = (message: string): void => {
    for (const { reject } of waiting.values()) reject(new OpenTpsError('ERR_STORE_FAILED', `WAL checkpoint of ${options.path}: ${message}`));
    waiting.clear();
  };
  worker.on('message', (message: WorkerMessage) => {
    const request = typeof message.id === 'number' ? waiting.get(message.id) : undefined;
    if (typeof message.id === 'number') waiting.delete(message.id);
    if (message.type === 'error') {
      if (request) request.reject(new OpenTpsError('ERR_STORE_FAILED', `WAL checkpoint of ${options.path}: ${message.message ?? 'failed'}`));
      else options.onError(message.message ?? 'checkpoint failed');
    } else if (message.type === 'checkpointed' && request) {
      request.resolve({
        isComplete: message.busy === 0 && message.log === message.checkpointed,
        walFrames: message.log ?? -1,
        checkpointedFrames: message.checkpointed ?? -1,
        durationMs: message.ms ?? 0,
      });
    }
  });
  worker.on('error', (error) => {
    options.onError(error.message);
    failAll(error.message);
  });
  worker.on('exit', () => failAll('the checkpoint worker has stopped'));
  return {
    checkpoint(mode, busyTimeoutMs) {
      const id = nextId++;
      return new Promise<CheckpointResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ type: 'checkpoint', id, mode, busyTimeoutMs });
      });
    },
    async close() {
      // The worker's last PASSIVE checkpoint and db.close() come before 'closed' (not just any message).
      const closed = new Promise<void>((resolve) => worker.on('message', (message: WorkerMessage) => message.type === 'closed' && resolve()));
      worker.postMessage('close');
      await Promise.race([closed, once(worker, 'exit')]);
      await worker.terminate();
      failAll('the checkpointer is closed');
    },
  };
}
