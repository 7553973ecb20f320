// The embedded store run on a thread of its own (issue 13: "the SQLite connection owned by a writer thread so
// HTTP and SQL use both cores"). The server's main thread parses, verifies and answers requests; every store
// call goes to the store thread as a message, runs there on the same SqliteStore as in one thread (same
// group commit, same fsync before the answer), and its result comes back as a message. Profile of 30,000
// virtual CWMs on one thread: the store's work (statements, commits, deflate) was ~40 % of the main thread.
//
// What crosses: arguments and results are plain data (structured clone); an error comes back as its code,
// message and details and is thrown again as an OpenTpsError. The store's callbacks (write health, WAL
// events, device activity failures) come back as events.

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Store } from '../../../domain/store.js';
import type { WriteHealth } from '../../../domain/write-health.js';
import { OpenTpsError, isErrorCode } from '../../../errors.js';
import type { SqliteStoreOptions } from './sqlite-store.js';
import type { WalBoundEvent } from './wal-bound.js';
import type { CommitObserver, SettledBatch } from '../commit-observer.js';

/** The options that cross to the store thread: everything but callbacks. */
export type SqliteStoreThreadOptions = Omit<SqliteStoreOptions, 'writeHealth' | 'onWalEvent' | 'onDeviceActivityWriteFailed' | 'onCommit'> & {
  readonly writeHealth?: WriteHealth;
  readonly onWalEvent?: (event: WalBoundEvent) => void;
  readonly onDeviceActivityWriteFailed?: (error: unknown, pendingDevices: number) => void;
  readonly onCommit?: CommitObserver | undefined;
};

/** An error as it crosses threads. */
export interface CrossingError {
  readonly code: string | null;
  readonly message: string;
  readonly details?: Record<string, unknown> | undefined;
}

/** Messages from the store thread. */
export type StoreThreadMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'open-failed'; readonly error: CrossingError }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: CrossingError }
  | { readonly type: 'write-failed'; readonly reason: string }
  | { readonly type: 'write-recovered' }
  | { readonly type: 'wal'; readonly event: WalBoundEvent }
  | { readonly type: 'activity-failed'; readonly error: CrossingError; readonly pendingDevices: number }
  | { readonly type: 'commit'; readonly batch: SettledBatch }
  | { readonly type: 'closed' };

export function toCrossingError(error: unknown): CrossingError {
  if (error instanceof OpenTpsError) return { code: error.code, message: error.message, details: error.details };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}

/** The error thrown on this side: an OpenTpsError with the code, message and details it had there. */
export function fromCrossingError(crossing: CrossingError): Error {
  if (crossing.code === null || !isErrorCode(crossing.code)) return new OpenTpsError('ERR_STORE_FAILED', crossing.message);
  const error = new OpenTpsError(crossing.code, undefined, crossing.details === undefined ? undefined : { details: crossing.details });
  error.message = crossing.message;
  return error;
}

/** Store members answered on this side, not by a message. */
type LocalMembers = 'pendingWriteCount' | 'close';

/**
 * Opens the SQLite store on its own thread; resolves once it is open (migrations done).
 * @throws OpenTpsError ERR_STORE_FAILED when it cannot be opened
 */
export async function openSqliteStoreThread(options: SqliteStoreThreadOptions): Promise<Store> {
  const { writeHealth, onWalEvent, onDeviceActivityWriteFailed, onCommit, ...plain } = options;
  // Whether to report commits at all is all the thread needs to know of the observer.
  const worker = new Worker(new URL('./sqlite-store-thread-worker.mjs', import.meta.url), { workerData: { ...plain, isReportingCommits: onCommit !== undefined } });
  let nextId = 1;
  let isClosed = false;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  const failAll = (message: string): void => {
    for (const { reject } of waiting.values()) reject(new OpenTpsError('ERR_STORE_FAILED', message));
    waiting.clear();
  };

  const opened = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: StoreThreadMessage) => {
      switch (message.type) {
        case 'ready':
          resolve();
          return;
        case 'open-failed':
          reject(fromCrossingError(message.error));
          return;
        case 'result':
        case 'error': {
          const call = waiting.get(message.id);
          waiting.delete(message.id);
          if (message.type === 'result') call?.resolve(message.value);
          else call?.reject(fromCrossingError(message.error));
          return;
        }
        case 'write-failed':
          writeHealth?.noteFailed(message.reason);
          return;
        case 'write-recovered':
          writeHealth?.noteCommitted();
          return;
        case 'wal':
          onWalEvent?.(message.event);
          return;
        case 'activity-failed':
          onDeviceActivityWriteFailed?.(fromCrossingError(message.error), message.pendingDevices);
          return;
        case 'commit':
          onCommit?.(message.batch);
          return;
        case 'closed':
          return;
      }
    });
    worker.once('error', (error) => {
      reject(new OpenTpsError('ERR_STORE_FAILED', `the store thread failed: ${error.message}`, { cause: error }));
      failAll(`the store thread failed: ${error.message}`);
    });
    worker.once('exit', () => {
      reject(new OpenTpsError('ERR_STORE_FAILED', 'the store thread stopped'));
      failAll('the store thread stopped');
    });
  });
  await opened;

  const call = (method: string, args: unknown[]): Promise<unknown> => {
    if (isClosed) return Promise.reject(new OpenTpsError('ERR_STORE_FAILED', 'the store is closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      try {
        worker.postMessage({ type: 'call', id, method, args });
      } catch (cause) {
        // An argument that cannot be copied to the store thread (a function): a bug of the caller's, said so.
        waiting.delete(id);
        reject(new OpenTpsError('ERR_STORE_FAILED', `${method}: its arguments cannot reach the store thread`, { cause }));
      }
    });
  };

  const local: Pick<Store, LocalMembers> = {
    // Calls not yet answered: writes waiting for their commit, the few reads in between (the back-pressure signal).
    get pendingWriteCount() {
      return waiting.size;
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      const closed = new Promise<void>((resolve) => worker.on('message', (message: StoreThreadMessage) => message.type === 'closed' && resolve()));
      worker.postMessage({ type: 'close' });
      await Promise.race([closed, once(worker, 'exit')]);
      await worker.terminate();
    },
  };
  // Every other member of Store is a method: a message to the store thread. The cast is the Proxy's: it
  // answers each of those ~55 methods by name, which TypeScript cannot see (listing them by hand would be a
  // second copy of the Store interface to keep in step).
  return new Proxy(local, {
    get(target, property) {
      if (property in target) return Reflect.get(target, property);
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => call(property, args);
    },
  }) as unknown as Store;
}
