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
import type { DeviceCredentials } from '../../../domain/device-store.js';
import type { WriteHealth } from '../../../domain/write-health.js';
import { OpenTpsError, isErrorCode } from '../../../errors.js';
import type { BackgroundFailure, ReportBackgroundFailure } from '../../../domain/background-failure.js';
import { createStderrFailureReporter } from '../../logging/background-failure-log.js';
import { deviceActivityFailure, reportWalRestartFailures, type SqliteStoreOptions } from './sqlite-store.js';
import type { WalBoundEvent } from './wal-bound.js';
import type { CommitObserver, SettledBatch } from '../commit-observer.js';

/** The options that cross to the store thread: everything but callbacks. */
export type SqliteStoreThreadOptions = Omit<SqliteStoreOptions, 'writeHealth' | 'onWalEvent' | 'onDeviceActivityWriteFailed' | 'onCommit' | 'reportFailure'> & {
  readonly writeHealth?: WriteHealth;
  /** Failures of the thread's background work, reported on this side (default: pino lines on stderr). */
  readonly reportFailure?: ReportBackgroundFailure;
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

/** A call to the store thread. */
export interface StoreCallMessage {
  readonly type: 'call';
  readonly id: number;
  readonly method: string;
  readonly args: unknown[];
}

/** What crosses in each direction: the messages of one event-loop turn together (see MessageBatcher). */
export interface MessageBatch<T> {
  readonly type: 'batch';
  readonly messages: readonly T[];
}

/**
 * Posts the messages of one event-loop turn as one: each postMessage costs ~20-80 µs of the sender's thread
 * (profile of 30,000 virtual CWMs: one message per store call was ~10 % of the main thread), while a batch
 * costs one such fixed part. Messages that cannot be copied (a function among the arguments) are found by
 * posting one by one, and only they are refused.
 */
export function createMessageBatcher<T>(port: { postMessage(message: unknown): void }, onUncopyable: (message: T, error: unknown) => void): (message: T) => void {
  let queued: T[] = [];
  const send = (): void => {
    const messages = queued;
    queued = [];
    try {
      port.postMessage({ type: 'batch', messages } satisfies MessageBatch<T>);
    } catch {
      for (const message of messages) {
        try {
          port.postMessage({ type: 'batch', messages: [message] } satisfies MessageBatch<T>);
        } catch (error) {
          onUncopyable(message, error);
        }
      }
    }
  };
  return (message) => {
    if (queued.length === 0) setImmediate(send);
    queued.push(message);
  };
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
  | { readonly type: 'background-failure'; readonly failure: Omit<BackgroundFailure, 'error'> & { readonly error: CrossingError } }
  | { readonly type: 'commit'; readonly batch: SettledBatch }
  /** Another process committed to the database: credentials cached on this side may be stale. */
  | { readonly type: 'credentials-stale' }
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
type LocalMembers = 'pendingWriteCount' | 'close' | 'findDeviceCredentials' | 'addDevice' | 'addDiscoveredDevice' | 'updateDevice' | 'setDeviceKey'
  | 'updateSite' | 'deleteSite' | 'assignDeviceSite' | 'recordGatewayMac';

/** Credentials cached on the main thread at most: past this, the cache starts over (ids are attacker-chosen). */
const MAX_CACHED_CREDENTIALS = 200_000;

/**
 * Opens the SQLite store on its own thread; resolves once it is open (migrations done).
 * @throws OpenTpsError ERR_STORE_FAILED when it cannot be opened
 */
export async function openSqliteStoreThread(options: SqliteStoreThreadOptions): Promise<Store> {
  // Callbacks stay on this side: the thread gets the plain options.
  const { writeHealth, onCommit, onWalEvent: givenOnWalEvent, onDeviceActivityWriteFailed: givenOnActivityFailed, reportFailure: givenReport, ...plain } = options;
  // Without callbacks of the caller's, what the thread tells of its failures is reported here.
  const reportFailure = givenReport ?? createStderrFailureReporter();
  const onWalEvent = givenOnWalEvent ?? reportWalRestartFailures(reportFailure);
  const onDeviceActivityWriteFailed = givenOnActivityFailed ?? ((error: unknown, pending: number) => reportFailure(deviceActivityFailure(error, pending)));
  // Whether to report commits at all is all the thread needs to know of the observer.
  const worker = new Worker(new URL('./sqlite-store-thread-worker.mjs', import.meta.url), { workerData: { ...plain, isReportingCommits: onCommit !== undefined } });
  let nextId = 1;
  let isClosed = false;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  const failAll = (message: string): void => {
    for (const { reject } of waiting.values()) reject(new OpenTpsError('ERR_STORE_FAILED', message));
    waiting.clear();
  };

  let credentialsGeneration = 0;
  const credentials = new Map<string, DeviceCredentials>();
  const forgetCredentials = (): void => {
    credentials.clear();
    credentialsGeneration++;
  };

  const opened = new Promise<void>((resolve, reject) => {
    const receive = (message: StoreThreadMessage): void => {
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
          onWalEvent(message.event);
          return;
        case 'activity-failed':
          onDeviceActivityWriteFailed(fromCrossingError(message.error), message.pendingDevices);
          return;
        case 'background-failure':
          reportFailure({ ...message.failure, error: fromCrossingError(message.failure.error) });
          return;
        case 'commit':
          onCommit?.(message.batch);
          return;
        case 'credentials-stale':
          forgetCredentials();
          return;
        case 'closed':
          return;
      }
    };
    worker.on('message', (message: StoreThreadMessage | MessageBatch<StoreThreadMessage>) => {
      if (message.type === 'batch') message.messages.forEach(receive);
      else receive(message);
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

  const post = createMessageBatcher<StoreCallMessage>(worker, (message, cause) => {
    // An argument that cannot be copied to the store thread (a function): a bug of the caller's, said so.
    const refused = waiting.get(message.id);
    waiting.delete(message.id);
    refused?.reject(new OpenTpsError('ERR_STORE_FAILED', `${message.method}: its arguments cannot reach the store thread`, { cause }));
  });
  const call = (method: string, args: unknown[]): Promise<unknown> => {
    if (isClosed) return Promise.reject(new OpenTpsError('ERR_STORE_FAILED', 'the store is closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      post({ type: 'call', id, method, args });
    });
  };
  /** A method that changes credentials: the entry is forgotten before it goes and again once it is done. */
  const changingCredentials = (method: string) => async (...args: unknown[]): Promise<unknown> => {
    const id = args[0];
    const forget = (): void => {
      if (typeof id === 'string') credentials.delete(id);
      else if (typeof id === 'object' && id !== null && 'id' in id && typeof id.id === 'string') credentials.delete(id.id);
      credentialsGeneration++;
    };
    forget();
    try {
      return await call(method, args);
    } finally {
      forget();
    }
  };

  /** A method that changes a site's time zone or its CWMs: credentials carry it, every entry is forgotten before and after. */
  const changingSiteCredentials = (method: string) => async (...args: unknown[]): Promise<unknown> => {
    forgetCredentials();
    try {
      return await call(method, args);
    } finally {
      forgetCredentials();
    }
  };

  const local: Pick<Store, LocalMembers> = {
    // Read on every device request: cached here, so that a request costs no round trip to the store thread.
    // Dropped for a device when this side changes its credentials, and whole when another process has
    // committed (the store thread watches PRAGMA data_version and says so).
    async findDeviceCredentials(id) {
      const cached = credentials.get(id);
      if (cached) return cached;
      const generation = credentialsGeneration;
      const found = (await call('findDeviceCredentials', [id])) as DeviceCredentials | null;
      if (found && generation === credentialsGeneration) {
        if (credentials.size >= MAX_CACHED_CREDENTIALS) credentials.clear();
        credentials.set(id, found);
      }
      return found;
    },
    addDevice: changingCredentials('addDevice') as Store['addDevice'],
    addDiscoveredDevice: changingCredentials('addDiscoveredDevice') as Store['addDiscoveredDevice'],
    updateDevice: changingCredentials('updateDevice') as Store['updateDevice'],
    setDeviceKey: changingCredentials('setDeviceKey') as Store['setDeviceKey'],
    updateSite: changingSiteCredentials('updateSite') as Store['updateSite'],
    deleteSite: changingSiteCredentials('deleteSite') as Store['deleteSite'],
    // One device's placement (its first argument): its entry only.
    assignDeviceSite: changingCredentials('assignDeviceSite') as Store['assignDeviceSite'],
    recordGatewayMac: changingCredentials('recordGatewayMac') as Store['recordGatewayMac'],
    // Calls not yet answered: writes waiting for their commit, the few reads in between (the back-pressure signal).
    get pendingWriteCount() {
      return waiting.size;
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      // Calls batched in this turn go first (their batch is sent at the end of the turn).
      await new Promise((resolve) => setImmediate(resolve));
      const closed = new Promise<void>((resolve) => worker.on('message', (message: StoreThreadMessage | MessageBatch<StoreThreadMessage>) => message.type === 'closed' && resolve()));
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
