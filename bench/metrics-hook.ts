// Scenario: what GET /metrics instrumentation adds to each request, in process, no I/O: the onResponse
// work for an acknowledged /push (request counter, OKMs stored, push latency histogram), for a 503 shed
// by overload, and the store's report of one group commit. Not part of `npm run bench`; run it alone,
// in a few seconds:
//   node --import tsx bench/metrics-hook.ts [--iterations 1000000] [--rounds 5]

import { cpus, release, type as osType } from 'node:os';
import { parseArgs } from 'node:util';
import { createEventMetrics } from '../src/adapters/metrics/event-metrics.js';
import { recordAnsweredRequest, type AnsweredRequest } from '../src/adapters/metrics/request-metrics.js';
import { createRequestObservation } from '../src/domain/request-observation.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '5' } } });
const iterations = Number(values.iterations);
const rounds = Number(values.rounds);

const metrics = createEventMetrics();
const observation = { ...createRequestObservation(), deviceId: '0002010203040506', signatureVerdict: 'valid' as const, crcVerdict: 'valid' as const, okmOutcome: 'stored' as const };
const push: AnsweredRequest = { method: 'POST', route: '/push', status: 200, elapsedMs: 1.7, observation, errorCode: null };
const shed: AnsweredRequest = { method: 'POST', route: '/push', status: 503, elapsedMs: 0.1, observation: createRequestObservation(), errorCode: 'ERR_OVERLOADED' };

const scenarios: Array<{ readonly name: string; readonly run: () => void }> = [
  // The object literal is built per call, as the hook does.
  { name: 'acknowledged /push (counter, stored, histogram)', run: () => recordAnsweredRequest(metrics, { ...push }) },
  { name: '503 shed (counter, shed counter)', run: () => recordAnsweredRequest(metrics, { ...shed }) },
  { name: 'group commit reported (2 histograms)', run: () => metrics.observeCommit({ queue: 'records', writes: 120, durationMs: 4.2 }) },
];

function nsPerCall(run: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  return Number(process.hrtime.bigint() - started) / iterations;
}

const median = (numbers: readonly number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;

for (const scenario of scenarios) for (let i = 0; i < 100_000; i++) scenario.run(); // warm-up
const results = scenarios.map(() => [] as number[]);
// Rounds alternate between scenarios, so that each sees the same load on shared cores.
for (let round = 0; round < rounds; round++) scenarios.forEach((scenario, index) => results[index]?.push(nsPerCall(scenario.run)));

console.log(`node ${process.version}, ${osType()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; one process, no I/O`);
console.log(`${rounds} alternating rounds of ${iterations} calls per scenario`);
console.log('| scenario | ns per call (median) | ns per call (rounds) |');
console.log('|---|---:|---:|');
scenarios.forEach((scenario, index) => {
  const rows = results[index] ?? [];
  console.log(`| ${scenario.name} | ${median(rows).toFixed(0)} | ${rows.map((n) => n.toFixed(0)).join(' / ')} |`);
});
