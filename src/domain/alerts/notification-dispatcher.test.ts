import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertStore, ChannelRecord, OutboxRecord } from './alert-store.js';
import { createNotificationDispatcher, failureOf, notificationNotDelivered, type NotificationFailure, type NotificationSender } from './notification-dispatcher.js';

const T0 = Date.UTC(2026, 11, 2, 8, 0, 0);
const LEASE_MS = 120_000;
const HOUR_MS = 3_600_000;

type DispatcherStore = Pick<AlertStore, 'claimDueNotifications' | 'markNotificationDelivered' | 'markNotificationFailed' | 'findChannel'>;

/** The four outbox methods over arrays, as the port describes them (the real stores have their contract suite). */
function createMemoryOutbox(channels: ChannelRecord[]): DispatcherStore & { entries: OutboxRecord[]; channels: ChannelRecord[]; add(channelId: number, atMs: number): OutboxRecord } {
  const store = {
    entries: [] as OutboxRecord[],
    channels,
    add(channelId: number, atMs: number): OutboxRecord {
      const id = store.entries.length + 1;
      const entry: OutboxRecord = {
        id,
        channelId,
        ruleId: 7,
        messageId: `msg_${id}`,
        payload: { n: id },
        state: 'queued',
        createdAtMs: atMs,
        attempts: 0,
        nextAttemptAtMs: atMs,
        lastAttemptAtMs: null,
        lastError: null,
        deliveredAtMs: null,
      };
      store.entries.push(entry);
      return entry;
    },
    update(id: number, change: (entry: OutboxRecord) => OutboxRecord): void {
      store.entries = store.entries.map((entry) => (entry.id === id ? change(entry) : entry));
    },
    async claimDueNotifications(nowMs: number, leaseMs: number, limit: number): Promise<OutboxRecord[]> {
      const due = store.entries.filter((entry) => entry.state === 'queued' && entry.nextAttemptAtMs <= nowMs).slice(0, limit);
      for (const entry of due) store.update(entry.id, (row) => ({ ...row, nextAttemptAtMs: nowMs + leaseMs }));
      return due;
    },
    async markNotificationDelivered(id: number, atMs: number): Promise<void> {
      store.update(id, (row) => ({ ...row, state: 'delivered', attempts: row.attempts + 1, lastAttemptAtMs: atMs, deliveredAtMs: atMs }));
    },
    async markNotificationFailed(id: number, atMs: number, error: string, nextAttemptAtMs: number | null): Promise<void> {
      store.update(id, (row) => ({
        ...row,
        state: nextAttemptAtMs === null ? 'failed' : 'queued',
        attempts: row.attempts + 1,
        lastAttemptAtMs: atMs,
        lastError: error,
        nextAttemptAtMs: nextAttemptAtMs ?? row.nextAttemptAtMs,
      }));
    },
    async findChannel(id: number): Promise<ChannelRecord | null> {
      return store.channels.find((channel) => channel.id === id) ?? null;
    },
  };
  return store;
}

function channel(id: number, kind: 'webhook' | 'email', isEnabled = true): ChannelRecord {
  return {
    id,
    name: `channel ${id}`,
    target:
      kind === 'webhook'
        ? { kind: 'webhook', url: 'https://hooks.example/alerts' }
        : { kind: 'email', to: ['ops@example.com'], from: 'tps@example.com', smtpHost: 'smtp.example', smtpPort: 25, smtpSecure: false, smtpUser: null, smtpPassword: null },
    secret: kind === 'webhook' ? 'whsec_dGVzdA==' : null,
    isEnabled,
    minSeverity: 'warning',
    createdAtMs: T0,
    lastSuccessAtMs: null,
    lastFailureAtMs: null,
    lastFailure: null,
  };
}

function setup(options: { webhook?: NotificationSender; email?: NotificationSender; channels?: ChannelRecord[] } = {}) {
  let nowMs = T0;
  const sent: Array<{ channelId: number; messageId: string }> = [];
  const record: NotificationSender = async (target, entry) => {
    sent.push({ channelId: target.id, messageId: entry.messageId });
  };
  const store = createMemoryOutbox(options.channels ?? [channel(1, 'webhook'), channel(2, 'email')]);
  const failures: NotificationFailure[] = [];
  const dispatcher = createNotificationDispatcher({
    store,
    senders: { webhook: options.webhook ?? record, email: options.email ?? record },
    clock: { nowMs: () => nowMs },
    random: () => 0.5,
    leaseMs: LEASE_MS,
    batchSize: 10,
    onFailure: (failure) => failures.push(failure),
  });
  return {
    store,
    dispatcher,
    sent,
    failures,
    setNow(ms: number): void {
      nowMs = ms;
    },
  };
}

describe('notification dispatcher', () => {
  it('sends each due entry on its channel kind once, and a delivered entry is not sent again', async () => {
    const { store, dispatcher, sent } = setup();
    store.add(1, T0);
    store.add(2, T0);
    assert.deepEqual(await dispatcher.runOnce(), { delivered: 2, failed: 0, gaveUp: 0 });
    assert.deepEqual(sent, [
      { channelId: 1, messageId: 'msg_1' },
      { channelId: 2, messageId: 'msg_2' },
    ]);
    assert.deepEqual(store.entries.map((entry) => [entry.state, entry.deliveredAtMs]), [
      ['delivered', T0],
      ['delivered', T0],
    ]);
    assert.deepEqual(await dispatcher.runOnce(), { delivered: 0, failed: 0, gaveUp: 0 });
    assert.equal(sent.length, 2);
  });

  it('retries a failing entry with a growing back-off and the same message id, then gives up after 24 h', async () => {
    const messageIds: string[] = [];
    const { store, dispatcher, setNow, failures } = setup({
      webhook: async (_channel, entry) => {
        messageIds.push(entry.messageId);
        throw notificationNotDelivered('HTTP 503');
      },
    });
    store.add(1, T0);
    const waits: number[] = [];
    let nowMs = T0;
    for (let round = 0; round < 100; round += 1) {
      const result = await dispatcher.runOnce();
      const entry = store.entries[0];
      assert.ok(entry !== undefined);
      if (result.gaveUp === 1) break;
      assert.deepEqual(result, { delivered: 0, failed: 1, gaveUp: 0 });
      assert.equal(entry.lastError, 'HTTP 503');
      waits.push(entry.nextAttemptAtMs - nowMs);
      // Not due before its time: a run a second early sends nothing.
      setNow(entry.nextAttemptAtMs - 1_000);
      assert.deepEqual(await dispatcher.runOnce(), { delivered: 0, failed: 0, gaveUp: 0 });
      nowMs = entry.nextAttemptAtMs;
      setNow(nowMs);
    }
    assert.deepEqual(waits.slice(0, 8), [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, HOUR_MS]);
    const given = store.entries[0];
    assert.equal(given?.state, 'failed');
    assert.ok(nowMs - T0 <= 24 * HOUR_MS && nowMs - T0 > 23 * HOUR_MS, `gave up ${(nowMs - T0) / HOUR_MS} h in`);
    assert.equal(failures.at(-1)?.nextAttemptAtMs, null);
    assert.equal(given?.attempts, messageIds.length);
    assert.deepEqual(new Set(messageIds), new Set(['msg_1']));
  });

  it('records a sender that throws anything (an Error, a string, undefined) as a failure and carries on', async () => {
    const thrown: unknown[] = [new TypeError('fetch failed'), 'socket hang up', undefined];
    let call = 0;
    const { store, dispatcher } = setup({
      webhook: async () => {
        const value = thrown[call++];
        throw value;
      },
    });
    store.add(1, T0);
    store.add(1, T0);
    store.add(1, T0);
    store.add(2, T0);
    assert.deepEqual(await dispatcher.runOnce(), { delivered: 1, failed: 3, gaveUp: 0 });
    assert.deepEqual(store.entries.map((entry) => entry.lastError).slice(0, 3).sort(), ['fetch failed', 'sender failed: socket hang up', 'sender failed: undefined'].sort());
    assert.ok(store.entries.slice(0, 3).every((entry) => entry.state === 'queued' && entry.nextAttemptAtMs > T0));
  });

  it('gives up at once the entries of a disabled or deleted channel, and a permanent failure, naming why', async () => {
    const { store, dispatcher, sent } = setup({
      channels: [channel(1, 'webhook', false), channel(2, 'email')],
      email: async () => {
        throw notificationNotDelivered('payload is not a notification', { isPermanent: true });
      },
    });
    store.add(1, T0);
    store.add(2, T0);
    store.add(3, T0);
    assert.deepEqual(await dispatcher.runOnce(), { delivered: 0, failed: 0, gaveUp: 3 });
    assert.deepEqual(store.entries.map((entry) => [entry.state, entry.lastError]), [
      ['failed', 'channel disabled'],
      ['failed', 'payload is not a notification'],
      ['failed', 'channel deleted'],
    ]);
    assert.equal(sent.length, 0);
  });

  it('sends at most four entries at once and waits for every one before answering', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const releases: Array<() => void> = [];
    const { store, dispatcher } = setup({
      webhook: async () => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight -= 1;
      },
    });
    for (let index = 0; index < 10; index += 1) store.add(1, T0);
    const run = dispatcher.runOnce();
    // Release the senders one by one as they arrive, until all ten went through.
    let released = 0;
    while (released < 10) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const release = releases.shift();
      if (release !== undefined) {
        release();
        released += 1;
      }
    }
    assert.deepEqual(await run, { delivered: 10, failed: 0, gaveUp: 0 });
    assert.equal(mostInFlight, 4);
  });

  it('keeps recording the other entries when the store fails for one, then reports the store failure', async () => {
    const { store, dispatcher } = setup();
    store.add(1, T0);
    store.add(1, T0);
    const markDelivered = store.markNotificationDelivered.bind(store);
    store.markNotificationDelivered = async (id, atMs) => {
      if (id === 1) throw new Error('database is locked');
      return markDelivered(id, atMs);
    };
    await assert.rejects(dispatcher.runOnce(), /database is locked/);
    assert.equal(store.entries[1]?.state, 'delivered');
    // The first stays claimed: its lease runs out and it is sent again (same message id) by a later run.
    assert.equal(store.entries[0]?.state, 'queued');
    assert.equal(store.entries[0]?.nextAttemptAtMs, T0 + LEASE_MS);
  });

  it('reads a failure reason from the delivery error, and any other error by its message', () => {
    assert.deepEqual(failureOf(notificationNotDelivered('HTTP 500')), { reason: 'HTTP 500', isPermanent: false });
    assert.deepEqual(failureOf(new Error('x'.repeat(1000))).reason.length, 300);
    assert.deepEqual(failureOf(new Error('line one\nline two')), { reason: 'line one line two', isPermanent: false });
  });
});
