// A failure of work a device request left behind reaches the log (with its task and context, once per
// interval when it repeats) and the metric, on a real pino logger and the server's own metrics registry.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { createRepeatedErrorLog } from '../logging/repeated-error-log.js';
import { createEventMetrics } from '../metrics/event-metrics.js';
import { createRequestFailureReport } from './request-failure-report.js';

async function counted(metrics: ReturnType<typeof createEventMetrics>, task: string): Promise<number> {
  const metric = await metrics.backgroundFailures.get();
  return metric.values.find((value) => value.labels['task'] === task)?.value ?? Number.NaN;
}

test('every failure is counted under its task, and logged with its context once per interval', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ base: null }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const failureLog = createRepeatedErrorLog({ logger, intervalMs: 60_000 });
  const metrics = createEventMetrics();
  const report = createRequestFailureReport(failureLog, (task) => metrics.backgroundFailures.labels(task).inc());
  assert.equal(await counted(metrics, 'delivery-confirm'), 0, 'every task starts at 0');

  report('delivery-confirm', new Error('disk I/O error'), { messageId: 41 });
  report('delivery-confirm', new Error('disk I/O error'), { messageId: 42 });
  report('traffic-record', new Error('database is locked'));

  assert.equal(await counted(metrics, 'delivery-confirm'), 2);
  assert.equal(await counted(metrics, 'traffic-record'), 1);
  assert.equal(await counted(metrics, 'delivery-release'), 0);
  const confirm = lines.filter((line) => line['msg'] === 'confirming a delivery failed');
  assert.equal(confirm.length, 1, 'the repeat within the interval is not logged again');
  assert.equal(confirm[0]?.['task'], 'delivery-confirm');
  assert.equal(confirm[0]?.['messageId'], 41);
  assert.match(String((confirm[0]?.['err'] as { message?: string } | undefined)?.message), /disk I\/O error/);
  assert.equal(lines.filter((line) => line['msg'] === 'recording traffic failed').length, 1);
  failureLog.close();
  const summary = lines.find((line) => String(line['msg']).startsWith('confirming a delivery failed (1 more like it'));
  assert.equal(summary?.['suppressed'], 1, 'closing the log writes the repeat it held back');
});
