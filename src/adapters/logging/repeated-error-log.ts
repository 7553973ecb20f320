// Logs a failure that repeats (the store refusing every write while the disk is full) once per
// interval with a count, instead of once per request: measured on a full 64 MB tmpfs, logging every
// refusal with its stack wrote 21.5 MB in 40 s, to the disk that was already full.

/** The part of a pino (or Fastify) logger used here. */
export interface FailureLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** `info` is for the other side of a failure that comes and goes (writes working again on a nearly full disk). */
export type FailureLevel = 'error' | 'warn' | 'info';

export interface RepeatedErrorLog {
  /**
   * Logs `message` with `fields` when nothing under `key` was logged in the last interval; otherwise
   * counts it, and one line per interval reports the count (`suppressed`) for as long as it repeats.
   * The key groups what is "the same failure": a fixed text, or a code and a reason, never a request id.
   */
  report(level: FailureLevel, key: string, fields: object, message: string): void;
  /** Reports counts still pending and cancels their timers (at shutdown). */
  close(): void;
}

export interface RepeatedErrorLogDeps {
  readonly logger: FailureLogger;
  /** How often one kind of failure may be logged; 10 s in the server. */
  readonly intervalMs: number;
}

/** Keys tracked at most: keys are a handful of fixed texts, so this only guards against a caller's mistake. */
const MAX_KEYS = 256;
/** Where failures go past MAX_KEYS: still counted, never logged one by one. */
const OVERFLOW_KEY = '\u0000other failures';

interface KeyState {
  readonly level: FailureLevel;
  readonly message: string;
  suppressed: number;
  timer: NodeJS.Timeout | null;
}

/**
 * @example
 * const failures = createRepeatedErrorLog({ logger, intervalMs: 10_000 });
 * failures.report('error', 'recording traffic failed', { err }, 'recording traffic failed');
 */
export function createRepeatedErrorLog(deps: RepeatedErrorLogDeps): RepeatedErrorLog {
  const states = new Map<string, KeyState>();

  const reportSuppressed = (key: string, state: KeyState): void => {
    state.timer = null;
    if (state.suppressed === 0) {
      // A whole interval without a repeat: the next occurrence is news again, logged in full.
      states.delete(key);
      return;
    }
    deps.logger[state.level](
      { suppressed: state.suppressed, intervalMs: deps.intervalMs },
      `${state.message} (${state.suppressed} more like it in the last ${Math.round(deps.intervalMs / 1000)} s, not logged one by one)`,
    );
    state.suppressed = 0;
    schedule(key, state);
  };

  const schedule = (key: string, state: KeyState): void => {
    state.timer = setTimeout(() => reportSuppressed(key, state), deps.intervalMs);
    // A pending count must not keep a stopping process alive.
    state.timer.unref();
  };

  return {
    report(level, wantedKey, fields, message) {
      const key = states.has(wantedKey) || states.size < MAX_KEYS ? wantedKey : OVERFLOW_KEY;
      const state = states.get(key);
      if (state !== undefined) {
        state.suppressed++;
        return;
      }
      deps.logger[level](fields, message);
      const fresh: KeyState = { level, message, suppressed: 0, timer: null };
      states.set(key, fresh);
      schedule(key, fresh);
    },
    close() {
      for (const [key, state] of states) {
        if (state.timer !== null) clearTimeout(state.timer);
        if (state.suppressed > 0) reportSuppressed(key, state);
        // reportSuppressed schedules the next report; nothing is left to report after this.
        if (state.timer !== null) clearTimeout(state.timer);
      }
      states.clear();
    },
  };
}

/**
 * The key of "the same failure": what failed, the error's code and the first 200 characters of its message
 * (a disk-full commit is one failure however many requests meet it; two different bugs are two).
 */
export function failureKey(what: string, error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
  const message = error instanceof Error ? error.message : String(error);
  return `${what}\u0000${code}\u0000${message.slice(0, 200)}`;
}
