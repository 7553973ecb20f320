// Keeps a SQLite WAL file under a bound while writes never stop (issue 12).
//
// Why: a WAL file only starts again from its first byte once every frame in it has been copied into the
// database and no reader still needs one. The background checkpointer (wal-checkpointer.ts) copies frames
// with PASSIVE checkpoints, which never wait; under sustained load the group commits of write-batcher.ts
// append new frames while it copies, so it never reaches the end and the WAL is never restarted. Measured
// on main with 30,000 CWMs pushing in a closed loop: opentps.db-wal grew by ~19 MB/s, 1.1 GB a minute.
//
// What: after each commit the batcher calls noteCommitted(), which stats the WAL file (a few µs). Once the
// file is past half the bound (the restart mark), the worker first runs PASSIVE checkpoints with the writers
// going on, to copy the bulk (again while one is slow, three at most). Then the gate closes: the batcher holds its next batch (requests are still
// accepted and queued; past --max-pending-writes the device routes answer 503 as for any overload) and the
// worker runs a RESTART checkpoint. With no writer in its way it copies what came since, fsyncs the
// database and waits for readers to leave the WAL; the gate opens, and the first batch writes the WAL from
// its first byte again, trimming the file to the restart mark (journal_size_limit: only the overshoot is
// freed; TRUNCATE would free it all, 44 ms for 128 MB on this disk, with the writers waiting). The file
// then stays at the mark, overwritten in place, and grows past it only when a lap of frames does. The other
// half of the bound is headroom: writes during the PASSIVE checkpoint, the batch that crossed the mark,
// and writes while a restart cannot be done.
// Without the gate the RESTART would still get the write lock between two batches, but the next batch
// would then wait for it inside SQLite's busy handler, which sleeps on the event loop.
//
// Readers: a reader whose snapshot still needs WAL frames keeps the restart waiting. Reads on the main
// connection are synchronous (better-sqlite3, no statement kept open across an await), so one of them
// delays a restart by at most its own length (and that read stalls the event loop anyway); reads that
// begin once every frame is copied read the database file and do not delay it. Another process (the CLI,
// a backup) may hold a snapshot for as long as it likes: so the worker gives up each lock wait after a
// quarter of the cap, and the writers are let go after the cap in any case (a worker stuck in an fsync).
// After a restart that was not done, writers are not held again for retryAfterMs: the WAL then grows past
// the bound, which is logged, rather than writes stalling behind a reader that does not end.
//
// Cost, measured (`npm run bench -- --only soak --soak-minutes 3`: 30,000 CWMs, 64-connection closed loop
// of durable pushes over HTTP, 2,800 pushes/s, 2 cores shared with another developer's tests; BENCHMARKS.md):
// opentps.db-wal reached the mark every ~10 s (17 restarts in 3 min), traffic.db-wal 4 times. Writers were
// held a median 31 ms, at most 195 ms, for opentps.db and 16 ms (47 ms) for traffic.db, nearly all of it the
// RESTART's copy and fsync: 1.2 s of 180 s in all (0.7 %), about what a closed loop loses in throughput.
// The runs' req/s (3,383 before, 2,788 after) cannot show it: other work on the machine took 39 % of a core
// during the first and 102 % during the second. Without the bound the WALs reached 3.1 GB and 0.8 GB.
// Also per restart: the first commit after it fsyncs the new WAL header on the event loop (SQLite's rule).

import { statSync } from 'node:fs';
import type { CheckpointMode, CheckpointResult } from './wal-checkpointer.js';
import type { WriteGate } from './write-batcher.js';

/** The WAL is restarted once it passes this fraction of the bound (its writing connection's journal_size_limit). */
export const RESTART_AT_FRACTION = 0.5;

/**
 * While the PASSIVE rounds run, the writers are held at once if the WAL passes this fraction of the bound:
 * on a slow disk (or a machine busy with other work) the rounds can take long enough for the writes made
 * meanwhile to eat the headroom; holding them there keeps the file within the bound plus the batch in flight.
 */
export const HOLD_AT_FRACTION = 0.8;

/** PASSIVE checkpoints before the writers are held: until one takes less than QUICK_PASSIVE_MS, at most this many. */
const MAX_PASSIVE_ROUNDS = 3;
const QUICK_PASSIVE_MS = 20;

export interface WalBoundOptions {
  readonly walPath: string;
  /** The bound on the WAL file's size. */
  readonly maxWalBytes: number;
  /** Longest the writers are held for one restart; past it they go on without it. */
  readonly restartCapMs: number;
  /** After a restart that was not done, the writers are not held again for this long. */
  readonly retryAfterMs: number;
  /** Runs a checkpoint on the worker, which waits at most busyTimeoutMs for each lock (wal-checkpointer.ts). */
  readonly checkpoint: (mode: CheckpointMode, busyTimeoutMs: number) => Promise<CheckpointResult>;
  readonly onEvent: (event: WalBoundEvent) => void;
}

export type WalBoundEvent =
  /** heldMs: how long the writers waited; checkpointMs: how much of it the worker spent in the RESTART checkpoint. */
  | { readonly kind: 'restarted'; readonly walPath: string; readonly walBytes: number; readonly heldMs: number; readonly checkpointMs: number }
  | { readonly kind: 'not-restarted'; readonly walPath: string; readonly walBytes: number; readonly heldMs: number; readonly reason: string };

export interface WalBoundStats {
  readonly restarts: number;
  readonly failedRestarts: number;
  readonly heldMsTotal: number;
  readonly heldMsMax: number;
}

export interface WalBound extends WriteGate {
  /** The size past which the WAL is restarted: set it as journal_size_limit on the writing connection. */
  readonly restartAtBytes: number;
  readonly stats: WalBoundStats;
  /** Lets held writers go and stops holding them. */
  close(): void;
}

export function restartAtBytesOf(maxWalBytes: number): number {
  return Math.floor(maxWalBytes * RESTART_AT_FRACTION);
}

export function createWalBound(options: WalBoundOptions): WalBound {
  const restartAtBytes = restartAtBytesOf(options.maxWalBytes);
  const holdAtBytes = Math.floor(options.maxWalBytes * HOLD_AT_FRACTION);
  // Up to three lock waits in a RESTART (the write lock, readers in the way of the copy, readers still on the WAL).
  const lockWaitMs = Math.max(1, Math.floor(options.restartCapMs / 4));
  let held: Promise<void> | null = null;
  let heldSinceMs = 0;
  let release: (() => void) | null = null;
  let capTimer: NodeJS.Timeout | null = null;
  let isRestarting = false;
  let isInPassiveRounds = false;
  let isClosed = false;
  let nextAttemptAtMs = 0;
  const stats = { restarts: 0, failedRestarts: 0, heldMsTotal: 0, heldMsMax: 0 };

  function walBytes(): number {
    return statSync(options.walPath, { throwIfNoEntry: false })?.size ?? 0;
  }

  /** Opens the gate; returns how long it was closed. */
  function letWritersGo(): number {
    if (capTimer !== null) clearTimeout(capTimer);
    capTimer = null;
    const heldMs = performance.now() - heldSinceMs;
    stats.heldMsTotal += heldMs;
    stats.heldMsMax = Math.max(stats.heldMsMax, heldMs);
    const resolve = release;
    held = null;
    release = null;
    resolve?.();
    return heldMs;
  }

  function giveUp(reason: string): void {
    const heldMs = held === null ? 0 : letWritersGo();
    stats.failedRestarts++;
    nextAttemptAtMs = performance.now() + options.retryAfterMs;
    options.onEvent({ kind: 'not-restarted', walPath: options.walPath, walBytes: walBytes(), heldMs, reason });
  }

  function holdWriters(): void {
    heldSinceMs = performance.now();
    held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Not unref'd: a store closing while writers are held must still see them go.
    capTimer = setTimeout(() => giveUp(`the checkpoint did not finish within ${options.restartCapMs} ms`), options.restartCapMs);
  }

  const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

  async function restart(): Promise<void> {
    // First PASSIVE checkpoints with the writers going on: the first copies the bulk (hundreds of ms for a
    // second's frames), a second one what came meanwhile, so that the writers are held only while the
    // RESTART copies the frames of the last few milliseconds.
    const failedBefore = stats.failedRestarts;
    isInPassiveRounds = true;
    try {
      for (let round = 0; round < MAX_PASSIVE_ROUNDS && held === null; round++) {
        if ((await options.checkpoint('PASSIVE', lockWaitMs)).durationMs < QUICK_PASSIVE_MS) break;
      }
    } catch (error) {
      giveUp(messageOf(error));
      return;
    } finally {
      isInPassiveRounds = false;
    }
    // Closed, or writers held early and then let go by the cap: this restart is over.
    if (isClosed || stats.failedRestarts !== failedBefore) return;
    const walBytesBefore = walBytes();
    if (held === null) holdWriters();
    let result: CheckpointResult;
    try {
      result = await options.checkpoint('RESTART', lockWaitMs);
    } catch (error) {
      if (held !== null) giveUp(messageOf(error));
      return;
    }
    if (held === null) return; // the cap (or close) let the writers go already
    if (!result.isComplete) {
      giveUp(`a reader or another process kept the WAL in use (${result.checkpointedFrames} of ${result.walFrames} frames copied)`);
      return;
    }
    stats.restarts++;
    const heldMs = letWritersGo();
    options.onEvent({ kind: 'restarted', walPath: options.walPath, walBytes: walBytesBefore, heldMs, checkpointMs: result.durationMs });
  }

  return {
    restartAtBytes,
    get heldUntil() {
      return held;
    },
    noteCommitted() {
      // Above journal_size_limit only when the frames written since the last restart reach past it: the
      // first commit after a restart trims the file back to that size, and later ones overwrite it in place.
      if (isClosed) return;
      if (isRestarting) {
        if (isInPassiveRounds && held === null && walBytes() > holdAtBytes) holdWriters();
        return;
      }
      if (performance.now() < nextAttemptAtMs || walBytes() <= restartAtBytes) return;
      isRestarting = true;
      // restart() catches its own failures and reports them as a not-restarted event (onEvent).
      void restart().finally(() => {
        isRestarting = false;
      });
    },
    stats,
    close() {
      isClosed = true;
      if (held !== null) letWritersGo();
    },
  };
}
