// Work nobody awaits (a timer's write, a connection's error event) reports its failures here: the
// reporter logs them with what failed and on what, and counts them by task (metrics/background-failures.ts).

/** The background tasks that report failures; the metric's `task` label takes these values. */
export const BACKGROUND_TASKS = [
  'device-activity-write',
  'wal-checkpoint',
  'wal-restart',
  'postgres-idle-connection',
  'abandoned-upload-cleanup',
  'traffic-record',
  'delivery-confirm',
  'delivery-release',
  'file-transfer-record',
  'gateway-mac-record',
  'alert-write',
] as const;

export type BackgroundTask = (typeof BACKGROUND_TASKS)[number];

export interface BackgroundFailure {
  readonly task: BackgroundTask;
  /** What went wrong: an Error (logged with its stack) or a message. */
  readonly error: unknown;
  /** What the task was working on (file, ids, counts), logged beside the error. */
  readonly context: Readonly<Record<string, string | number | boolean | null>>;
  /** `warn` for a failure the task recovers from by itself (it retries); `error` otherwise. */
  readonly level: 'warn' | 'error';
}

export type ReportBackgroundFailure = (failure: BackgroundFailure) => void;

/** The part of a pino logger failures are written to. */
export interface FailureLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}
