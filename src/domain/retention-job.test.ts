import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { RETENTION_CHUNK_ROWS, runRetention } from './retention-job.js';

const CWM = '0002010203040506';
const DAY_MS = 86_400_000;

let fixture: DomainFixture;
beforeEach(async () => {
  fixture = openDomainFixture();
  await fixture.store.addDevice({ id: CWM, key: 'key-of-the-cwm', name: null, createdAtMs: fixture.clock.nowMs() });
});
afterEach(() => fixture.close());

async function queueExpiring(count: number, expiresAtMs: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await fixture.store.enqueueMessage({
      cwmId: CWM, destination: [CWM], cmd: 'wr', payload: { n: i }, createdAtMs: fixture.clock.nowMs(), expiresAtMs, maxQueued: 100_000,
      ts: '2026-11-24T12:00:00Z',
    });
  }
}

test('finished messages and audit entries past their retention go in chunks, with counts; queued messages stay', async () => {
  const { store, clock } = fixture;
  const old = 2 * RETENTION_CHUNK_ROWS + 345;
  await queueExpiring(old, clock.nowMs() + 1000);
  await store.expireMessages(clock.nowMs() + 2000);
  await queueExpiring(3, clock.nowMs() + 400 * DAY_MS);
  for (let i = 0; i < 12; i++) await store.appendAudit({ atMs: clock.nowMs() + i, actor: 'admin', action: 'device.add', target: CWM, details: null });
  clock.advanceMs(100 * DAY_MS);
  await store.appendAudit({ atMs: clock.nowMs(), actor: 'admin', action: 'device.update', target: CWM, details: null });

  let calls = 0;
  const counting = { ...store, pruneFinishedMessages: (before: number, limit: number) => (calls++, store.pruneFinishedMessages(before, limit)) };
  const report = await runRetention({ store: counting, clock, settings: { telemetryRetentionDays: 90, minuteRollupRetentionDays: 30, rollupRetentionDays: 730, messageRetentionDays: 90, auditRetentionDays: 30, transferRowsKeepDays: 30 } });
  assert.deepEqual(report, { telemetryPartitions: 0, okms: 0, rollupRows: 0, messages: old, auditEntries: 12, transferRows: 0 });
  assert.equal(calls, 3, 'in chunks of RETENTION_CHUNK_ROWS');
  assert.deepEqual((await store.listMessages(CWM, clock.nowMs())).map((m) => m.state), ['queued', 'queued', 'queued']);
  assert.deepEqual((await store.listAudit(10)).map((entry) => entry.action), ['device.update']);
});

test('a retention of 0 days keeps everything', async () => {
  const { store, clock } = fixture;
  await queueExpiring(5, clock.nowMs() + 1000);
  await store.expireMessages(clock.nowMs() + 2000);
  await store.appendAudit({ atMs: clock.nowMs(), actor: 'admin', action: 'device.add', target: CWM, details: null });
  clock.advanceMs(10_000 * DAY_MS);
  const report = await runRetention({ store, clock, settings: { telemetryRetentionDays: 0, minuteRollupRetentionDays: 0, rollupRetentionDays: 0, messageRetentionDays: 0, auditRetentionDays: 0, transferRowsKeepDays: 0 } });
  assert.deepEqual(report, { telemetryPartitions: 0, okms: 0, rollupRows: 0, messages: 0, auditEntries: 0, transferRows: 0 });
  assert.equal((await store.listMessages(CWM, clock.nowMs())).length, 5);
});

test('stored OKMs past their retention go a whole partition at a time; the partitions for now and the next day are made ahead', async () => {
  const { store, clock } = fixture;
  const startMs = clock.nowMs();
  for (let day = 0; day < 5; day++) {
    await store.recordPush({
      cwmId: CWM, originId: CWM, cmd: 'wr', okmId: day + 1, ts: null, tsEpochMs: null, isTsLocal: false, receivedAtMs: startMs + day * DAY_MS,
      crcVerdict: 'missing', crcReceived: null, crcExpected: null, auth: 'hmac', rawOkm: `{"_src":["${CWM}"],"_id":${day + 1}}`, payload: null,
      envelope: {}, remoteAddress: null, dedupKey: null, heartbeat: null, answerCandidate: null,
    });
  }
  clock.advanceMs(5 * DAY_MS);
  const settings = { telemetryRetentionDays: 3, minuteRollupRetentionDays: 0, rollupRetentionDays: 0, messageRetentionDays: 0, auditRetentionDays: 0, transferRowsKeepDays: 0 };
  const report = await runRetention({ store, clock, settings });
  // Received on days 0..4, now day 5: days 0 and 1 ended more than 3 days ago (day 2's partition ends within them).
  assert.equal(report.telemetryPartitions, 2);
  assert.equal(report.okms, 2);
  assert.deepEqual((await store.listOkms({ cwmId: CWM, limit: 10 })).map((okm) => okm.okmId), [3, 4, 5]);
  const partitions = await store.listTelemetryPartitions();
  for (const atMs of [clock.nowMs(), clock.nowMs() + DAY_MS]) {
    assert.ok(partitions.some((p) => p.startMs <= atMs && atMs < p.endMs), `a partition is ready for ${new Date(atMs).toISOString()}`);
  }
  assert.deepEqual(await runRetention({ store, clock, settings }), { telemetryPartitions: 0, okms: 0, rollupRows: 0, messages: 0, auditEntries: 0, transferRows: 0 });
});

test('rollups past their retention go, minutes and hours each after their own number of days', async () => {
  const { store, clock } = fixture;
  const nowMs = clock.nowMs();
  const delta = (bucketStartMs: number) => ({ originId: CWM, bucketStartMs, fields: new Map([['temp', { min: 1, max: 1, sum: 1, count: 1 }]]) });
  await store.mergeRollups('minute', [delta(nowMs - 20 * DAY_MS), delta(nowMs - 40 * DAY_MS)], new Map([[nowMs - 40 * DAY_MS, 1]]));
  await store.mergeRollups('hour', [delta(nowMs - 40 * DAY_MS), delta(nowMs - 800 * DAY_MS)], new Map());
  const report = await runRetention({ store, clock, settings: { telemetryRetentionDays: 0, minuteRollupRetentionDays: 30, rollupRetentionDays: 730, messageRetentionDays: 0, auditRetentionDays: 0, transferRowsKeepDays: 0 } });
  assert.equal(report.rollupRows, 2);
  const left = async (resolution: 'minute' | 'hour') =>
    (await store.queryRollupSeries({ originIds: [CWM], field: 'temp', fromMs: 0, toMs: nowMs, resolution })).map((p) => (nowMs - p.bucketStartMs) / DAY_MS);
  assert.deepEqual(await left('minute'), [20]);
  assert.deepEqual(await left('hour'), [40]);
  assert.deepEqual(await store.countFleetOkmsPerMinute(0, nowMs), []);
});
