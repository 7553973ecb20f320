// Durability without blocking the event loop: commits run with synchronous=NORMAL (no fsync inside
// COMMIT, which would stall every request), then the WAL file is fdatasync'd on libuv's thread pool
// and only then are the writers of that batch answered. That is the guarantee of synchronous=FULL
// (the WAL holding a commit is on disk before anyone hears of it), paid for off the main thread.
// Syncs are coalesced: at most one runs and one waits, covering every commit made before it starts.

import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

export interface WalSync {
  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void>;
  close(): void;
}

export function createWalSync(walPath: string): WalSync {
  let fd: number | null = null;
  let running: Promise<void> | null = null;
  let waiting: Promise<void> | null = null;

  function currentFd(): number {
    // The WAL file exists once the database has been written; it is re-opened if SQLite ever replaced it.
    if (fd !== null && fstatSync(fd).ino === statSync(walPath).ino) return fd;
    if (fd !== null) closeSync(fd);
    fd = openSync(walPath, 'r+');
    return fd;
  }

  function runOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let handle: number;
      try {
        handle = currentFd();
      } catch (error) {
        reject(error);
        return;
      }
      fdatasync(handle, (error) => (error ? reject(error) : resolve()));
    });
  }

  return {
    sync() {
      if (running === null) {
        running = runOnce().finally(() => {
          running = null;
        });
        return running;
      }
      // A sync is in flight and may have started before our commit: join the next one.
      // The running sync's failure is its own callers'; the commits that join here wait for the next one only.
      waiting ??= running
        .catch(() => undefined)
        .then(() => {
          waiting = null;
          running = runOnce().finally(() => {
            running = null;
          });
          return running;
        });
      return waiting;
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
