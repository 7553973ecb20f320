// The WAL bound's decisions (wal-bound.ts) against a checkpointer stand-in: when writers are held, for how
// long, and what is reported. A real file stands for the WAL; the store-level test drives real SQLite.

import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTempDataDir, type TempDataDir } from '../../../../test/support/temp-data-dir.js';
import { createWalBound, restartAtBytesOf, type WalBound, type WalBoundEvent, type WalBoundOptions } from './wal-bound.js';
import type { CheckpointMode, CheckpointResult } from './wal-checkpointer.js';

const MAX_WAL_BYTES = 64 * 1024;
const COMPLETE: CheckpointResult = { isComplete: true, walFrames: 10, checkpointedFrames: 10, durationMs: 3 };
const READER_IN_THE_WAY: CheckpointResult = { isComplete: false, walFrames: 10, checkpointedFrames: 4, durationMs: 3 };

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** A checkpointer stand-in: each call waits until the test answers it. */
function createFakeCheckpointer() {
  const calls: Array<{ mode: CheckpointMode; busyTimeoutMs: number; answer: Deferred<CheckpointResult> }> = [];
  let called = deferred<void>();
  return {
    calls,
    /** Resolves once the checkpointer has been called `count` times in all. */
    async called(count: number): Promise<void> {
      while (calls.length < count) await called.promise;
    },
    checkpoint(mode: CheckpointMode, busyTimeoutMs: number): Promise<CheckpointResult> {
      const answer = deferred<CheckpointResult>();
      calls.push({ mode, busyTimeoutMs, answer });
      const wake = called;
      called = deferred<void>();
      wake.resolve();
      return answer.promise;
    },
  };
}

describe('createWalBound', () => {
  let dir: TempDataDir;
  let walPath: string;
  let events: WalBoundEvent[];
  let checkpointer: ReturnType<typeof createFakeCheckpointer>;
  let bound: WalBound;

  function start(overrides: Partial<WalBoundOptions> = {}): WalBound {
    bound = createWalBound({
      walPath,
      maxWalBytes: MAX_WAL_BYTES,
      restartCapMs: 40,
      retryAfterMs: 3_600_000,
      checkpoint: (mode, busyTimeoutMs) => checkpointer.checkpoint(mode, busyTimeoutMs),
      onEvent: (event) => events.push(event),
      ...overrides,
    });
    return bound;
  }

  beforeEach(() => {
    dir = createTempDataDir('opentps-wal-bound-unit-');
    walPath = join(dir.path, 'x.db-wal');
    writeFileSync(walPath, '');
    events = [];
    checkpointer = createFakeCheckpointer();
  });

  afterEach(() => {
    bound.close();
    dir.remove();
  });

  test('restarts at half the bound', () => {
    assert.equal(start().restartAtBytes, MAX_WAL_BYTES / 2);
    assert.equal(restartAtBytesOf(256 * 2 ** 20), 128 * 2 ** 20);
  });

  test('while the WAL is at or under the restart mark nothing is held and no checkpoint is asked for', () => {
    start();
    truncateSync(walPath, MAX_WAL_BYTES / 2);
    bound.noteCommitted();
    assert.equal(bound.heldUntil, null);
    assert.deepEqual(checkpointer.calls, []);
  });

  test('past the mark: a PASSIVE checkpoint with the writers going on, then the writers held until the RESTART is done', async () => {
    start();
    truncateSync(walPath, MAX_WAL_BYTES / 2 + 1);
    bound.noteCommitted();
    await checkpointer.called(1);
    assert.equal(checkpointer.calls[0]?.mode, 'PASSIVE');
    assert.equal(bound.heldUntil, null, 'writers go on during the PASSIVE checkpoint');
    bound.noteCommitted();
    assert.equal(checkpointer.calls.length, 1, 'one restart at a time');
    checkpointer.calls[0]?.answer.resolve(READER_IN_THE_WAY);
    await checkpointer.called(2);
    assert.equal(checkpointer.calls[1]?.mode, 'RESTART');
    assert.equal(checkpointer.calls[1]?.busyTimeoutMs, 10, 'each lock wait is a quarter of the cap');
    const held = bound.heldUntil;
    assert.ok(held !== null, 'writers are held during the RESTART checkpoint');
    checkpointer.calls[1]?.answer.resolve(COMPLETE);
    await held;
    assert.equal(bound.heldUntil, null);
    assert.deepEqual(events.map((event) => [event.kind, event.walBytes]), [['restarted', MAX_WAL_BYTES / 2 + 1]]);
    assert.equal(bound.stats.restarts, 1);
  });

  test('a slow PASSIVE checkpoint is followed by another before the writers are held, three at most', async () => {
    const slow: CheckpointResult = { ...COMPLETE, durationMs: 250 };
    start();
    truncateSync(walPath, MAX_WAL_BYTES);
    bound.noteCommitted();
    for (let call = 1; call <= 3; call++) {
      await checkpointer.called(call);
      assert.equal(checkpointer.calls[call - 1]?.mode, 'PASSIVE');
      assert.equal(bound.heldUntil, null);
      checkpointer.calls[call - 1]?.answer.resolve(slow);
    }
    await checkpointer.called(4);
    assert.equal(checkpointer.calls[3]?.mode, 'RESTART');
    assert.ok(bound.heldUntil !== null);
    checkpointer.calls[3]?.answer.resolve(COMPLETE);
  });

  test('a WAL that passes 80 % of the bound during the PASSIVE rounds holds the writers at once, and no further PASSIVE round runs', async () => {
    start({ restartCapMs: 60_000 });
    truncateSync(walPath, MAX_WAL_BYTES / 2 + 1);
    bound.noteCommitted();
    await checkpointer.called(1);
    truncateSync(walPath, Math.floor(MAX_WAL_BYTES * 0.8));
    bound.noteCommitted();
    assert.equal(bound.heldUntil, null, 'at 80 % exactly the writers still go on');
    truncateSync(walPath, Math.floor(MAX_WAL_BYTES * 0.8) + 1);
    bound.noteCommitted();
    const held = bound.heldUntil;
    assert.ok(held !== null, 'past 80 % the next batch waits while the PASSIVE round is still running');
    checkpointer.calls[0]?.answer.resolve({ ...COMPLETE, durationMs: 250 });
    await checkpointer.called(2);
    assert.equal(checkpointer.calls[1]?.mode, 'RESTART', 'a slow round is not followed by another once writers are held');
    checkpointer.calls[1]?.answer.resolve(COMPLETE);
    await held;
    assert.equal(bound.heldUntil, null);
    assert.deepEqual(events.map((event) => event.kind), ['restarted']);
  });

  test('a RESTART that does not answer lets the writers go after the cap, and says so', async () => {
    start();
    truncateSync(walPath, MAX_WAL_BYTES);
    bound.noteCommitted();
    await checkpointer.called(1);
    checkpointer.calls[0]?.answer.resolve(COMPLETE);
    await checkpointer.called(2);
    const held = bound.heldUntil;
    assert.ok(held !== null);
    await held; // never answered: only the cap can open the gate
    assert.equal(bound.heldUntil, null);
    assert.equal(events[0]?.kind, 'not-restarted');
    assert.match(events[0]?.kind === 'not-restarted' ? events[0].reason : '', /did not finish within 40 ms/);
    assert.equal(bound.stats.failedRestarts, 1);
  });

  test('a RESTART a reader kept from completing lets the writers go at once, and they are not held again before the retry delay', async () => {
    start();
    truncateSync(walPath, MAX_WAL_BYTES);
    bound.noteCommitted();
    await checkpointer.called(1);
    checkpointer.calls[0]?.answer.resolve(COMPLETE);
    await checkpointer.called(2);
    const held = bound.heldUntil;
    checkpointer.calls[1]?.answer.resolve(READER_IN_THE_WAY);
    await held;
    assert.equal(events[0]?.kind, 'not-restarted');
    assert.match(events[0]?.kind === 'not-restarted' ? events[0].reason : '', /4 of 10 frames copied/);
    truncateSync(walPath, MAX_WAL_BYTES * 2);
    bound.noteCommitted();
    assert.equal(checkpointer.calls.length, 2, 'no new attempt within retryAfterMs');
    assert.equal(bound.heldUntil, null);
  });

  test('a failing checkpoint is reported and holds nobody', async () => {
    const reported = deferred<void>();
    start({ checkpoint: () => Promise.reject(new Error('disk I/O error')), onEvent: (event) => reported.resolve(void events.push(event)) });
    truncateSync(walPath, MAX_WAL_BYTES);
    bound.noteCommitted();
    await reported.promise;
    assert.equal(events[0]?.kind, 'not-restarted');
    assert.match(events[0]?.kind === 'not-restarted' ? events[0].reason : '', /disk I\/O error/);
    assert.equal(bound.heldUntil, null);
  });

  test('close lets held writers go', async () => {
    start({ restartCapMs: 3_600_000 });
    truncateSync(walPath, MAX_WAL_BYTES);
    bound.noteCommitted();
    await checkpointer.called(1);
    checkpointer.calls[0]?.answer.resolve(COMPLETE);
    await checkpointer.called(2);
    const held = bound.heldUntil;
    assert.ok(held !== null);
    bound.close();
    await held;
    assert.equal(bound.heldUntil, null);
  });
});
