// What a domain unit test runs on: a real SQLite store in a fresh temporary directory and a clock
// the test moves by hand (never the wall clock, never a sleep).

import { openSqliteStore, type SqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import type { Clock } from '../../src/domain/clock.js';
import { createTempDataDir } from '../support/temp-data-dir.js';

/** 2026-11-24T12:00:00Z */
export const START_MS = Date.UTC(2026, 10, 24, 12);

export interface ControlledClock extends Clock {
  advanceMs(ms: number): void;
}

export function createControlledClock(startMs = START_MS): ControlledClock {
  let nowMs = startMs;
  return {
    nowMs: () => nowMs,
    advanceMs(ms) {
      nowMs += ms;
    },
  };
}

export interface DomainFixture {
  readonly store: SqliteStore;
  readonly clock: ControlledClock;
  close(): Promise<void>;
}

export function openDomainFixture(): DomainFixture {
  const dataDir = createTempDataDir('opentps-domain-');
  const store = openSqliteStore({ dataDir: dataDir.path, durability: 'normal', busyTimeoutMs: 1000 });
  return {
    store,
    clock: createControlledClock(),
    async close() {
      await store.close();
      dataDir.remove();
    },
  };
}
