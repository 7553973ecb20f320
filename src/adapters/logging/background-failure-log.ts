// Where failures of work nobody awaits go (domain/background-failure.ts): one log line each, with the
// task, the error and what the task was working on, and a count by task when a metric is given.

import { pino } from 'pino';
import type { BackgroundTask, FailureLogger, ReportBackgroundFailure } from '../../domain/background-failure.js';

/**
 * Logs each failure at its level with `task`, `err` and its context, and counts it.
 * @example const report = createBackgroundFailureReporter(logger, (task) => metrics.backgroundFailures.labels(task).inc());
 */
export function createBackgroundFailureReporter(logger: FailureLogger, count?: (task: BackgroundTask) => void): ReportBackgroundFailure {
  return (failure) => {
    count?.(failure.task);
    logger[failure.level]({ ...failure.context, task: failure.task, err: failure.error }, `${failure.task} failed`);
  };
}

/**
 * For a store opened without a reporter (the CLI, tests): the failures as pino lines on stderr, where
 * process warnings went before, uncounted (nothing exposes a registry there).
 */
export function createStderrFailureReporter(): ReportBackgroundFailure {
  return createBackgroundFailureReporter(pino({ name: 'opentps-store' }, pino.destination(2)));
}
