// opentps_background_failures_total{task}: failures of work nobody awaits (domain/background-failure.ts),
// counted so that an alert can follow what a log line only tells (logging/background-failure-log.ts).

import { Counter, type Registry } from 'prom-client';
import { BACKGROUND_TASKS } from '../../domain/background-failure.js';

/** Registers the counter on `registry`, every task at 0 (a rate over the first failure needs an earlier sample). */
export function createBackgroundFailureCounter(registry: Registry): Counter<'task'> {
  const counter = new Counter({
    name: 'opentps_background_failures_total',
    help: 'Failures of background work nobody awaits (device activity writes, WAL checkpoints and restarts, idle PostgreSQL connections, what device requests leave behind, periodic jobs), by task.',
    labelNames: ['task'] as const,
    registers: [registry],
  });
  for (const task of BACKGROUND_TASKS) counter.labels(task).inc(0);
  return counter;
}
