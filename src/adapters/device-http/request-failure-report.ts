// Work a device request leaves behind once its answer is on the wire (recording the traffic, confirming or
// releasing a delivery, recording a file transfer): nobody awaits it, so a failure is logged here, once per
// interval with a count when it repeats with every request (a full disk), and counted per task in
// opentps_background_failures_total so that an alert sees it.

import type { BackgroundTask } from '../../domain/background-failure.js';
import { failureKey, type RepeatedErrorLog } from '../logging/repeated-error-log.js';

/** The device path's unawaited tasks (a subset of BACKGROUND_TASKS). */
export type DeviceRequestTask = Extract<BackgroundTask, 'traffic-record' | 'delivery-confirm' | 'delivery-release' | 'file-transfer-record'>;

const MESSAGES: Record<DeviceRequestTask, string> = {
  'traffic-record': 'recording traffic failed',
  'delivery-confirm': 'confirming a delivery failed',
  'delivery-release': 'releasing a delivery failed',
  'file-transfer-record': 'recording a file transfer failed',
};

/** Logs and counts one failure; `context` names what the task was working on (ids, file names). */
export type ReportRequestFailure = (task: DeviceRequestTask, error: unknown, context?: Readonly<Record<string, unknown>>) => void;

/** @example const report = createRequestFailureReport(failureLog, (task) => counter.labels(task).inc()); */
export function createRequestFailureReport(failureLog: RepeatedErrorLog, countFailure: (task: DeviceRequestTask) => void): ReportRequestFailure {
  return (task, error, context = {}) => {
    countFailure(task);
    const message = MESSAGES[task];
    failureLog.report('error', failureKey(message, error), { err: error, task, ...context }, message);
  };
}
