import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDomainFixture, type DomainFixture } from '../../test/domain/domain-fixture.js';
import { CWM_A, isCode, newMessage, registerDevice } from '../../test/contract/store-fixtures.js';
import { createEventBus, type EventBus } from './event-bus.js';
import { createMessageWatch, type MessageWatch } from './message-watch.js';
import type { MessageRecord } from './message-store.js';

describe('message watch', () => {
  let fixture: DomainFixture;
  let events: EventBus;
  let watch: MessageWatch;
  let message: MessageRecord;
  /** Resolves once the watch has subscribed to the events (it waits from then on). */
  let subscribed: Promise<void>;

  beforeEach(async () => {
    fixture = openDomainFixture();
    events = createEventBus();
    let noteSubscribed = (): void => undefined;
    subscribed = new Promise((resolve) => {
      noteSubscribed = resolve;
    });
    const observedEvents: Pick<EventBus, 'subscribe'> = {
      subscribe(listener) {
        const unsubscribe = events.subscribe(listener);
        noteSubscribed();
        return unsubscribe;
      },
    };
    watch = createMessageWatch({ store: fixture.store, events: observedEvents });
    const nowMs = fixture.clock.nowMs();
    await registerDevice(fixture.store, CWM_A, nowMs);
    message = await fixture.store.enqueueMessage(newMessage(CWM_A, { createdAtMs: nowMs, expiresAtMs: nowMs + 60_000 }));
  });

  afterEach(async () => {
    await fixture.close();
  });

  test('reads a message, and an unknown id is ERR_MESSAGE_NOT_FOUND', async () => {
    assert.equal((await watch.readMessage(message.id)).state, 'queued');
    await assert.rejects(watch.readMessage(message.id + 1000), isCode('ERR_MESSAGE_NOT_FOUND'));
    await assert.rejects(watch.waitForStateChange(message.id + 1000, { fromState: 'queued', timeoutMs: 10 }), isCode('ERR_MESSAGE_NOT_FOUND'));
  });

  test('answers at once when the state already differs from the one the caller knows', async () => {
    const answered = await watch.waitForStateChange(message.id, { fromState: 'delivered', timeoutMs: 60_000 });
    assert.equal(answered.state, 'queued');
  });

  test('wakes at the state change and answers the message as the store has it', async () => {
    const waiting = watch.waitForStateChange(message.id, { fromState: 'queued', timeoutMs: 60_000 });
    await subscribed;
    const cancelled = await fixture.store.cancelMessage(message.id, fixture.clock.nowMs());
    events.publish({ type: 'message-state', message: { ...message, id: message.id + 1, state: 'cancelled' } });
    events.publish({ type: 'message-state', message: cancelled });
    const changed = await waiting;
    assert.equal(changed.state, 'cancelled');
    assert.equal(changed.endedAtMs, cancelled.endedAtMs);
  });

  test('an aborted wait answers the message unchanged', async () => {
    const controller = new AbortController();
    const waiting = watch.waitForStateChange(message.id, { fromState: 'queued', timeoutMs: 60_000, signal: controller.signal });
    await subscribed;
    controller.abort();
    assert.equal((await waiting).state, 'queued');
  });
});
