// Keeps checkpoints out of the event loop: the main connection runs with wal_autocheckpoint=0 (no
// checkpoint inside a COMMIT, which stalled every request behind it), and a worker thread with its own
// connection checkpoints the WAL every interval. Measured: with 30,000 virtual CWMs on one node, the
// in-COMMIT checkpoints pushed p99 from ~11 ms to over 100 ms.

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointer {
  close(): Promise<void>;
}

export function startWalCheckpointer(options: { path: string; intervalMs: number; busyTimeoutMs: number; onError: (message: string) => void }): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
    workerData: { path: options.path, intervalMs: options.intervalMs, busyTimeoutMs: options.busyTimeoutMs },
  });
  worker.unref();
  worker.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'error') options.onError(message.message ?? 'checkpoint failed');
  });
  worker.on('error', (error) => options.onError(error.message));
  return {
    async close() {
      const closed = once(worker, 'message');
      worker.postMessage('close');
      await Promise.race([closed, once(worker, 'exit')]);
      await worker.terminate();
    },
  };
}
