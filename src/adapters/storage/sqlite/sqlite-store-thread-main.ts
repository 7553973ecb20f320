// The store thread itself (see sqlite-store-thread.ts): opens the SQLite store with the options it was
// given, answers each call message with the method's result or error, and reports the store's callbacks
// as events.

import { parentPort, workerData } from 'node:worker_threads';
import { createSystemClock } from '../../../domain/clock.js';
import type { Store } from '../../../domain/store.js';
import { createWriteHealth } from '../../../domain/write-health.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import { toCrossingError, type StoreThreadMessage } from './sqlite-store-thread.js';
import type { SettledBatch } from '../commit-observer.js';

interface CallMessage {
  readonly type: 'call';
  readonly id: number;
  readonly method: string;
  readonly args: unknown[];
}

const port = parentPort;
if (!port) throw new Error('sqlite-store-thread-main.ts runs as a worker thread only');
const post = (message: StoreThreadMessage): void => port.postMessage(message);

// This thread's own view of write health, so the store's probe can read it; every failure, and the first
// commit after failures, go to the main thread's WriteHealth, which the health routes and logs read.
const localHealth = createWriteHealth({ clock: createSystemClock() });
const writeHealth = {
  get failure() {
    return localHealth.failure;
  },
  noteCommitted() {
    const wasFailing = localHealth.failure !== null;
    localHealth.noteCommitted();
    if (wasFailing) post({ type: 'write-recovered' });
  },
  noteFailed(reason: string) {
    localHealth.noteFailed(reason);
    post({ type: 'write-failed', reason });
  },
  onChange: localHealth.onChange,
};

let store: Store;
try {
  const { isReportingCommits, ...options } = workerData as SqliteStoreOptions & { readonly isReportingCommits: boolean };
  store = openSqliteStore({
    ...options,
    ...(isReportingCommits ? { onCommit: (batch: SettledBatch) => post({ type: 'commit', batch }) } : {}),
    writeHealth,
    onWalEvent: (event) => post({ type: 'wal', event }),
    onDeviceActivityWriteFailed: (error, pendingDevices) => post({ type: 'activity-failed', error: toCrossingError(error), pendingDevices }),
  });
} catch (error) {
  post({ type: 'open-failed', error: toCrossingError(error) });
  throw error;
}
// Methods are looked up by the name a message carries: the cast is that lookup (the main thread's Proxy
// sends only names of Store's methods; an unknown one is answered with an error below).
const methods = store as unknown as Record<string, unknown>;

port.on('message', (message: CallMessage | { readonly type: 'close' }) => {
  if (message.type === 'close') {
    void store.close().finally(() => post({ type: 'closed' }));
    return;
  }
  const method = methods[message.method];
  if (typeof method !== 'function') {
    post({ type: 'error', id: message.id, error: { code: null, message: `the store has no method ${message.method}` } });
    return;
  }
  Promise.resolve()
    .then(() => method.apply(store, message.args) as unknown)
    .then(
      (value) => post({ type: 'result', id: message.id, value }),
      (error: unknown) => post({ type: 'error', id: message.id, error: toCrossingError(error) }),
    );
});
post({ type: 'ready' });
