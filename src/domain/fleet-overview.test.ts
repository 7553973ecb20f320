import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { CWM_A, CWM_B, newMessage, pushRecord, registerDevice } from '../../test/contract/store-fixtures.js';
import { createFleetOverview, FLEET_PROBLEM_RULES, PROBLEMS_LISTED_PER_KIND, PUSH_RATE_MINUTES } from './fleet-overview.js';

const MINUTE_MS = 60_000;

describe('fleet overview', () => {
  let fixture: DomainFixture;

  beforeEach(() => {
    fixture = openDomainFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  const overviewOf = () => createFleetOverview({ store: fixture.store, clock: fixture.clock, rollups: { writtenThroughMs: 0 } });

  test('counts pushes per minute over the last hour, every minute present and the current one last', async () => {
    const nowMs = fixture.clock.nowMs();
    await registerDevice(fixture.store, CWM_A, nowMs);
    await fixture.store.recordPush(pushRecord(CWM_A, { okmId: 1, receivedAtMs: nowMs - 90 * MINUTE_MS }));
    await fixture.store.recordPush(pushRecord(CWM_A, { okmId: 2, receivedAtMs: nowMs - 5 * MINUTE_MS }));
    await fixture.store.recordPush(pushRecord(CWM_A, { okmId: 3, receivedAtMs: nowMs - 5 * MINUTE_MS + 10 }));
    await fixture.store.recordPush(pushRecord(CWM_A, { okmId: 4, receivedAtMs: nowMs }));
    const { pushesPerMinute } = await overviewOf().readOverview();
    assert.equal(pushesPerMinute.length, PUSH_RATE_MINUTES);
    assert.equal(pushesPerMinute.at(-1)?.minuteStartMs, Math.floor(nowMs / MINUTE_MS) * MINUTE_MS);
    assert.deepEqual(pushesPerMinute.filter((minute) => minute.count > 0), [
      { minuteStartMs: nowMs - 5 * MINUTE_MS, count: 2 },
      { minuteStartMs: nowMs, count: 1 },
    ]);
  });

  test('a CWM is a backlog with more queued messages than the rule allows, and expired messages count within its window', async () => {
    const nowMs = fixture.clock.nowMs();
    await registerDevice(fixture.store, CWM_A, nowMs);
    await registerDevice(fixture.store, CWM_B, nowMs);
    const queued = { createdAtMs: nowMs, expiresAtMs: nowMs + 3_600_000 };
    for (let i = 0; i < FLEET_PROBLEM_RULES.queueBacklogAbove; i++) await fixture.store.enqueueMessage(newMessage(CWM_A, queued));
    await fixture.store.enqueueMessage(newMessage(CWM_B, { createdAtMs: nowMs, expiresAtMs: nowMs + 1000 }));
    fixture.clock.advanceMs(2000);
    await fixture.store.expireMessages(fixture.clock.nowMs());

    const atThreshold = await overviewOf().readOverview();
    assert.deepEqual(atThreshold.problems.queueBacklog, { total: 0, devices: [] });
    assert.deepEqual(atThreshold.problems.messagesExpired, { total: 1, devices: [{ deviceId: CWM_B, count: 1 }] });
    assert.deepEqual(atThreshold.counts, { total: 2, online: 0, offline: 0, neverSeen: 2 });

    await fixture.store.enqueueMessage(newMessage(CWM_A, { createdAtMs: fixture.clock.nowMs(), expiresAtMs: nowMs + 3_600_000 }));
    const overThreshold = await overviewOf().readOverview();
    assert.deepEqual(overThreshold.problems.queueBacklog, { total: 1, devices: [{ deviceId: CWM_A, count: FLEET_PROBLEM_RULES.queueBacklogAbove + 1 }] });

    fixture.clock.advanceMs(FLEET_PROBLEM_RULES.expiredWithinMs);
    const dayLater = await overviewOf().readOverview();
    assert.deepEqual(dayLater.problems.messagesExpired, { total: 0, devices: [] });
    // The queued ones are overdue by now: a backlog counts unexpired messages only.
    assert.deepEqual(dayLater.problems.queueBacklog, { total: 0, devices: [] });
  });

  test('lists at most PROBLEMS_LISTED_PER_KIND devices of a kind, with the total of all', async () => {
    const nowMs = fixture.clock.nowMs();
    const ids = Array.from({ length: PROBLEMS_LISTED_PER_KIND + 2 }, (_, i) => `0002${i.toString(16).padStart(12, '0')}`);
    for (const id of ids) {
      await registerDevice(fixture.store, id, nowMs);
      await fixture.store.recordPush(pushRecord(id, { okmId: 1, receivedAtMs: nowMs, crcVerdict: 'mismatch' }));
    }
    const { problems, rules } = await overviewOf().readOverview();
    assert.equal(problems.crcFailures.total, ids.length);
    assert.deepEqual(problems.crcFailures.devices.map((device) => device.deviceId), ids.slice(0, PROBLEMS_LISTED_PER_KIND));
    assert.deepEqual(rules, FLEET_PROBLEM_RULES);
  });
});
