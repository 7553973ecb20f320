// Issue 16 "Evaluation cost": closed-loop /push throughput with 100 alert rules loaded, against the same pushes
// with no rule, in the same run, arms alternated. Every push is a fryer heartbeat (model e0f1: oil_temp scaled
// by 0.1, set_temp, cook_cycles...). The 100 rules: 60 thresholds (all fryers, the model, or a device list;
// some with a duration and hysteresis), 20 counters, 10 offline rules and 10 AND/OR combinations. One
// heartbeat in 1,000 crosses the oil bounds, so alerts open, fire and resolve during the run (their writes
// included); counters rise every 10th heartbeat of a fryer, so their alerts open in the warm-up and hold.
//
// `npx tsx bench/alert-rules-push.ts [--rounds 2] [--duration-s 15] [--warm-up-s 3] [--devices 500] [--connections 64] [--crossings-per-1000 1]`
// The load client runs in this process, the server in its own (scripts/opentps-dev.mjs serve --http).

import { parseArgs } from 'node:util';
import { openSqliteStore } from '../src/adapters/storage/sqlite/sqlite-store.js';
import type { AlertCondition, AlertScope } from '../src/domain/alerts/alert-rule.js';
import { sealOkmCrc } from '../src/protocol/okm-crc.js';
import { signRequest } from '../src/protocol/request-signature.js';
import { environmentHeader, formatTable, writeResults, type BenchRow } from './support/bench-report.js';
import { prepareDataDir, startOpenTps } from './support/bench-server.js';
import { runLoad } from './support/load-client.js';
import { measureServer } from './support/measure.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    'duration-s': { type: 'string', default: '15' },
    'warm-up-s': { type: 'string', default: '3' },
    devices: { type: 'string', default: '500' },
    connections: { type: 'string', default: '64' },
    /** Heartbeats in 1,000 past the oil bounds (each then crosses about 40 of the rules); 0: evaluation cost alone. */
    'crossings-per-1000': { type: 'string', default: '1' },
  },
});
const crossingsPer1000 = Number(values['crossings-per-1000']);
const rounds = Number(values.rounds);
const durationMs = Number(values['duration-s']) * 1000;
const warmUpMs = Number(values['warm-up-s']) * 1000;
const deviceCount = Number(values.devices);
const connections = Number(values.connections);
const RULE_COUNT = 100;

function fryerOf(cwmId: string): string {
  return `e0f1${cwmId.replace(/[^0-9a-f]/gi, '').padStart(12, '0').slice(-12)}`.toLowerCase();
}

/** The 100 rules: what a maker with a few fryer lines might run. */
function benchRules(cwmIds: readonly string[]): Array<{ scope: AlertScope; condition: AlertCondition }> {
  const rules: Array<{ scope: AlertScope; condition: AlertCondition }> = [];
  const scopes: AlertScope[] = [{ kind: 'all' }, { kind: 'model', modelId: 'e0f1' }, { kind: 'devices', deviceIds: cwmIds.slice(0, 50).map(fryerOf) }];
  for (let i = 0; i < 60; i++) {
    const scope = scopes[i % scopes.length] ?? { kind: 'all' };
    const condition: AlertCondition =
      i % 3 === 0 ? { kind: 'threshold', field: 'oil_temp', operator: 'above', high: 190 + (i % 10), forS: 60, hysteresis: 2 }
      : i % 3 === 1 ? { kind: 'threshold', field: 'oil_temp', operator: 'outside', low: 20 + (i % 5), high: 195 + (i % 7) }
      : { kind: 'threshold', field: 'set_temp', operator: 'outside', low: 150 + (i % 5), high: 200 + (i % 7) };
    rules.push({ scope, condition });
  }
  for (let i = 0; i < 20; i++) rules.push({ scope: scopes[i % 2] ?? { kind: 'all' }, condition: { kind: 'counter-increased', field: 'cook_cycles' } });
  for (let i = 0; i < 10; i++) rules.push({ scope: { kind: 'all' }, condition: { kind: 'offline', intervals: 3 + i } });
  for (let i = 0; i < 10; i++) {
    rules.push({
      scope: { kind: 'model', modelId: 'e0f1' },
      condition: { kind: 'combined', join: i % 2 === 0 ? 'and' : 'or', conditions: [{ kind: 'threshold', field: 'oil_temp', operator: 'above', high: 198 }, { kind: 'offline', intervals: 5 }] },
    });
  }
  return rules.slice(0, RULE_COUNT);
}

/**
 * A fryer heartbeat: 1 in 1,000 is past 200 °C (raw tenths), so alerts open, fire, are cancelled and resolve
 * all through the run; each fryer's cook_cycles counter goes up every 10th of its heartbeats.
 */
function heartbeatOf(seq: number): Record<string, unknown> {
  const roll = (seq * 7919) % 1000;
  return { oil_temp: roll < crossingsPer1000 ? 2050 + (seq % 50) : 1750 + (roll % 100), set_temp: 1800, remaining_time: 30 + (seq % 90), basket_lifted: roll % 2 === 0, cook_cycles: Math.floor(seq / (deviceCount * 10)), alarms: 0, program_mode: 1 };
}

function pushPath(cwmId: string, key: string, seq: number): string {
  const okm = sealOkmCrc(`{"_src":["${fryerOf(cwmId)}","${cwmId}"],"_cmd":"wr","_id":${seq},"_ts":"2026-12-02T12:00:00","_crc":"0000","_pld":${JSON.stringify({ _hbt: heartbeatOf(seq) })}}`);
  const req = `{"okm":${okm},"ts":"2026-12-02T12:00:01"}`;
  return `/push?sha256hmac=${signRequest(req, key)}&req=${encodeURIComponent(req)}`;
}

async function measureArm(name: string, withRules: boolean, round: number): Promise<BenchRow> {
  const { dataDir, keys } = await prepareDataDir(deviceCount);
  const ids = [...keys.keys()];
  if (withRules) {
    const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 });
    let n = 0;
    for (const rule of benchRules(ids)) {
      await store.addAlertRule({ name: `bench rule ${++n}`, severity: 'major', scope: rule.scope, condition: rule.condition, isEnabled: true, channelIds: [], atMs: Date.now() });
    }
    await store.close();
  }
  const server = await startOpenTps(dataDir, ['--http']);
  try {
    const total = Math.ceil(((durationMs + warmUpMs) / 1000) * 3000);
    const firstSeq = 1 + round * 10_000_000;
    const prepared = Array.from({ length: total }, (_, i) => {
      const seq = firstSeq + i;
      const cwmId = ids[seq % ids.length] ?? '';
      return pushPath(cwmId, keys.get(cwmId) ?? '', seq);
    });
    let cursor = 0;
    const next = () => {
      const n = cursor++;
      const seq = firstSeq + n;
      const cwmId = ids[seq % ids.length] ?? '';
      return { method: 'POST' as const, path: prepared[n] ?? pushPath(cwmId, keys.get(cwmId) ?? '', seq) };
    };
    const load = (ms: number) => () => runLoad({ url: server.url, ca: null, connections, durationMs: ms, nextRequest: next });
    const row = await measureServer(`${name} (round ${round + 1})`, server, load(durationMs), load(warmUpMs));
    if (withRules) {
      // What the evaluation did in the run (warm-up included), read beside the running server (WAL readers).
      const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 });
      const query = { ruleId: null, deviceId: null, siteId: null, severity: null, isAcknowledged: null, limit: 1, offset: 0 };
      const all = await store.queryAlerts({ ...query, states: null });
      const resolved = await store.queryAlerts({ ...query, states: ['resolved'] });
      const open = await store.countOpenAlerts();
      alertCounts.push({ round: round + 1, alerts: all.total, resolved: resolved.total, firing: open.firing, pending: open.pending });
      await store.close();
    }
    return row;
  } finally {
    await server.stop();
  }
}

const alertCounts: Array<Record<string, number>> = [];

const rows: BenchRow[] = [];
for (let round = 0; round < rounds; round++) {
  rows.push(await measureArm('/push, fryer heartbeats, no alert rule (baseline)', false, round));
  rows.push(await measureArm(`/push, fryer heartbeats, ${RULE_COUNT} alert rules loaded`, true, round));
}
const mean = (withRules: boolean, pick: (row: BenchRow) => number) => {
  const picked = rows.filter((row) => row.scenario.includes('rules loaded') === withRules).map(pick);
  return picked.reduce((sum, value) => sum + value, 0) / picked.length;
};
const ratio = mean(true, (row) => row.requestsPerS) / mean(false, (row) => row.requestsPerS);
const p99Ratio = mean(true, (row) => row.p99Ms) / mean(false, (row) => row.p99Ms);
const header = environmentHeader();
console.log(header);
console.log(formatTable(rows));
console.log(`\nalerts the rules opened per run (warm-up included): ${JSON.stringify(alertCounts)}`);
console.log(`\nthroughput with rules / baseline: ${ratio.toFixed(3)}; p99 with rules / baseline: ${p99Ratio.toFixed(3)} (means over ${rounds} rounds of ${durationMs / 1000} s, arms alternated)`);
console.log(`written to ${writeResults('alert-rules-push', { header, settings: { rounds, durationMs, warmUpMs, deviceCount, connections, rules: RULE_COUNT, crossingsPer1000 }, rows, ratio, p99Ratio, alertCounts })}`);
