// Builders for the alert store contract (alert-store-contract.ts): a rule, an alert, a channel and an outbox
// entry with only the fields a test cares about spelled out.

import type { NewAlert, NewAlertRule, NewChannel, NewOutboxEntry } from '../../src/domain/alerts/alert-store.js';
import type { Store } from '../../src/domain/store.js';
import { T0 } from './store-fixtures.js';

export function newRule(name: string, overrides: Partial<NewAlertRule> = {}): NewAlertRule {
  return {
    name,
    severity: 'major',
    scope: { kind: 'all' },
    condition: { kind: 'offline', intervals: 3 },
    isEnabled: true,
    channelIds: [],
    atMs: T0,
    ...overrides,
  };
}

export function newAlert(ruleId: number, subjectId: string, overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    ruleId,
    ruleVersion: 1,
    subjectId,
    cwmId: subjectId,
    siteId: null,
    state: 'firing',
    atMs: T0,
    triggerValue: 42,
    summary: `${subjectId} is offline`,
    ...overrides,
  };
}

export function newChannel(name: string, overrides: Partial<NewChannel> = {}): NewChannel {
  return {
    name,
    target: { kind: 'webhook', url: 'https://hooks.example.com/opentps' },
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    isEnabled: true,
    minSeverity: 'warning',
    atMs: T0,
    ...overrides,
  };
}

export function newEntry(channelId: number, ruleId: number, messageId: string, atMs = T0): NewOutboxEntry {
  return { channelId, ruleId, messageId, payload: { type: 'alert.firing', alerts: [messageId] }, atMs };
}

/** Opens a firing alert of `ruleId` for `subjectId`, failing the test when another is open. */
export async function openFiring(store: Store, ruleId: number, subjectId: string, overrides: Partial<NewAlert> = {}) {
  const alert = await store.openAlert(newAlert(ruleId, subjectId, overrides));
  if (alert === null) throw new Error(`an alert of rule ${ruleId} for ${subjectId} is open already`);
  return alert;
}
