// The store thread itself (see sqlite-store-thread.ts): opens the SQLite store with the options it was
// given, answers each call message with the method's result or error, and reports the store's callbacks
// as events.

import { parentPort, workerData } from 'node:worker_threads';
import { createSystemClock } from '../../../domain/clock.js';
import { createWriteHealth } from '../../../domain/write-health.js';
import { DATA_VERSION_CHECK_MS } from './sqlite-device-repo.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import { createMessageBatcher, toCrossingError, type MessageBatch, type StoreCallMessage, type StoreThreadMessage } from './sqlite-store-thread.js';
import type { SettledBatch } from '../commit-observer.js';

const port = parentPort;
if (!port) throw new Error('sqlite-store-thread-main.ts runs as a worker thread only');
/** Results and events of one turn go together; a value that cannot be copied is answered with an error. */
const post = createMessageBatcher<StoreThreadMessage>(port, (message) => {
  if (message.type === 'result') post({ type: 'error', id: message.id, error: { code: null, message: 'the result cannot be copied to the main thread' } });
});
/** Straight away, outside any batch: 'ready', 'open-failed', 'closed'. */
const postNow = (message: StoreThreadMessage): void => port.postMessage(message);



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

let store: SqliteStore;
try {
  const { isReportingCommits, ...options } = workerData as SqliteStoreOptions & { readonly isReportingCommits: boolean };
  store = openSqliteStore({
    ...options,
    ...(isReportingCommits ? { onCommit: (batch: SettledBatch) => post({ type: 'commit', batch }) } : {}),
    writeHealth,
    onWalEvent: (event) => post({ type: 'wal', event }),
    onDeviceActivityWriteFailed: (error, pendingDevices) => post({ type: 'activity-failed', error: toCrossingError(error), pendingDevices }),
    reportFailure: (failure) => post({ type: 'background-failure', failure: { ...failure, error: toCrossingError(failure.error) } }),
  });
} catch (error) {
  postNow({ type: 'open-failed', error: toCrossingError(error) });
  throw error;
}
// Another process's commits are looked for as often as the store's own credentials cache does: the main
// thread's cache is then as fresh as it.
// This thread's cache is dropped first, so that what the main thread reads after the message is fresh.
store.dropCredentialsIfOthersCommitted();
const dataVersionTimer = setInterval(() => {
  if (store.dropCredentialsIfOthersCommitted()) post({ type: 'credentials-stale' });
}, DATA_VERSION_CHECK_MS);
// Methods are looked up by the name a message carries: the cast is that lookup (the main thread's Proxy
// sends only names of Store's methods; an unknown one is answered with an error below).
const methods = store as unknown as Record<string, unknown>;

function answer(message: StoreCallMessage): void {
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
}

port.on('message', (message: MessageBatch<StoreCallMessage> | { readonly type: 'close' }) => {
  if (message.type === 'close') {
    clearInterval(dataVersionTimer);
    // Answers still batched go first, in the next turn; 'closed' after them.
    // Closing waits for pending writes, whose callers get their failures; 'closed' is posted either way so the main side stops waiting.
    void store.close().finally(() => setImmediate(() => postNow({ type: 'closed' })));
    return;
  }
  message.messages.forEach(answer);
});
postNow({ type: 'ready' });
