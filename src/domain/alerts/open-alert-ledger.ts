// A node's view of the open alerts and the one place their state is written (issue 16). Evaluation says what it
// wants for a (rule, subject) (none, pending, firing); the ledger turns a change of want into the store's
// conditional writes, one at a time per (rule, subject) and behind the caller (the push path does not wait).
// The store decides races between nodes: the node whose write changed the row made the change; the others see
// it in `sync` (the store's change sequence), as they see every change another node made.

import type { AlertRecord, AlertStore, AlertValue } from './alert-store.js';

export type WantedState = 'none' | 'pending' | 'firing';

export interface AlertIntent {
  readonly ruleId: number;
  readonly ruleVersion: number;
  readonly subjectId: string;
  readonly cwmId: string;
  readonly siteId: number | null;
  readonly state: WantedState;
  readonly atMs: number;
  /** The value that opened/fired it, or cleared it (state none). */
  readonly value: AlertValue;
  readonly summary: string;
}

export type LedgerStore = Pick<AlertStore, 'openAlert' | 'fireAlert' | 'resolveAlert' | 'queryAlerts' | 'listOpenAlerts' | 'listAlertChanges'>;

export interface OpenAlertLedgerDeps {
  readonly store: LedgerStore;
  /** A write that failed; the want is forgotten so the next evaluation tries again. */
  readonly onWriteFailed: (error: unknown) => void;
  /** Every change of an alert, made here (`isLocal`) or seen in the store's changes. */
  readonly onChange?: ((record: AlertRecord, isLocal: boolean) => void) | undefined;
}

export interface OpenAlertLedger {
  /** Loads the open alerts and the position in the store's changes. */
  load(): Promise<void>;
  current(ruleId: number, subjectId: string): AlertRecord | undefined;
  /** Open alerts whose CWM is `cwmId` (its own and its equipment's). */
  openOfCwm(cwmId: string): readonly AlertRecord[];
  openAlerts(): IterableIterator<AlertRecord>;
  /** The open alerts that are pending (O(pending), for the timer that fires them). */
  pendingAlerts(): IterableIterator<AlertRecord>;
  /** What evaluation wants now; a no-op when it wants what it wanted before. */
  want(intent: AlertIntent): void;
  /** The state last wanted (or held by the store) for a (rule, subject). */
  wantedOf(ruleId: number, subjectId: string): WantedState;
  /** Applies the changes other nodes made since the last sync; returns how many changes were read. */
  sync(): Promise<number>;
  /** Resolves when every write asked for so far has finished. */
  settle(): Promise<void>;
}

const SYNC_BATCH = 500;

function keyOf(ruleId: number, subjectId: string): string {
  return `${ruleId}|${subjectId}`;
}

/**
 * A map by (rule id, subject id) as two levels: the push path asks it once per rule per heartbeat, and a key
 * string built for each question was a measured part of that cost.
 */
class RuleSubjectMap<V> {
  private readonly byRule = new Map<number, Map<string, V>>();
  get(ruleId: number, subjectId: string): V | undefined {
    return this.byRule.get(ruleId)?.get(subjectId);
  }
  set(ruleId: number, subjectId: string, value: V): void {
    let bySubject = this.byRule.get(ruleId);
    if (bySubject === undefined) this.byRule.set(ruleId, (bySubject = new Map()));
    bySubject.set(subjectId, value);
  }
  delete(ruleId: number, subjectId: string): void {
    const bySubject = this.byRule.get(ruleId);
    if (bySubject === undefined) return;
    bySubject.delete(subjectId);
    if (bySubject.size === 0) this.byRule.delete(ruleId);
  }
  *values(): IterableIterator<V> {
    for (const bySubject of this.byRule.values()) yield* bySubject.values();
  }
}

export function createOpenAlertLedger(deps: OpenAlertLedgerDeps): OpenAlertLedger {
  const open = new RuleSubjectMap<AlertRecord>();
  const byCwm = new Map<string, Map<string, AlertRecord>>();
  const pending = new RuleSubjectMap<AlertRecord>();
  const wanted = new RuleSubjectMap<WantedState>();
  const chains = new Map<string, Promise<void>>();
  let lastSeq = 0;
  // Changes this node made, so that reading them back in `sync` does not tell of them twice.
  const localSeqs = new Set<number>();

  const put = (record: AlertRecord): void => {
    const key = keyOf(record.ruleId, record.subjectId);
    const { ruleId, subjectId } = record;
    const previous = open.get(ruleId, subjectId);
    if (previous !== undefined && previous.changeSeq > record.changeSeq) return;
    if (record.state === 'resolved') {
      if (previous !== undefined && previous.id === record.id) {
        open.delete(ruleId, subjectId);
        pending.delete(ruleId, subjectId);
        byCwm.get(record.cwmId)?.delete(key);
        if (byCwm.get(record.cwmId)?.size === 0) byCwm.delete(record.cwmId);
      }
      return;
    }
    open.set(ruleId, subjectId, record);
    if (record.state === 'pending') pending.set(ruleId, subjectId, record);
    else pending.delete(ruleId, subjectId);
    let ofCwm = byCwm.get(record.cwmId);
    if (ofCwm === undefined) byCwm.set(record.cwmId, (ofCwm = new Map()));
    ofCwm.set(key, record);
  };
  const note = (record: AlertRecord, isLocal: boolean): void => {
    put(record);
    if (isLocal) {
      localSeqs.add(record.changeSeq);
      // The stores number alert changes without gaps, in commit order (alert-store.ts): while this node's own
      // changes follow on from what it has read, there is nothing to read back for them.
      while (localSeqs.delete(lastSeq + 1)) lastSeq++;
    }
    deps.onChange?.(record, isLocal);
  };

  /** The open alert another node opened first, when our insert lost the race. */
  const findOpen = async (intent: AlertIntent): Promise<AlertRecord | undefined> => {
    const page = await deps.store.queryAlerts({
      states: ['pending', 'firing'], ruleId: intent.ruleId, deviceId: intent.subjectId, siteId: null, severity: null, isAcknowledged: null, limit: 5, offset: 0,
    });
    const record = page.items.find((item) => item.subjectId === intent.subjectId);
    if (record !== undefined) note(record, false);
    return record;
  };

  const apply = async (intent: AlertIntent): Promise<void> => {
    const key = keyOf(intent.ruleId, intent.subjectId);
    let record = open.get(intent.ruleId, intent.subjectId);
    if (intent.state === 'none') {
      if (record === undefined) return;
      const resolved = await deps.store.resolveAlert(record.id, intent.atMs, intent.value);
      if (resolved !== null) note(resolved, true);
      else {
        // Resolved by another node (or the rule was deleted) meanwhile: drop it here too.
        open.delete(intent.ruleId, intent.subjectId);
        pending.delete(intent.ruleId, intent.subjectId);
        byCwm.get(record.cwmId)?.delete(key);
      }
      return;
    }
    if (record === undefined) {
      const opened = await deps.store.openAlert({
        ruleId: intent.ruleId, ruleVersion: intent.ruleVersion, subjectId: intent.subjectId, cwmId: intent.cwmId, siteId: intent.siteId,
        state: intent.state, atMs: intent.atMs, triggerValue: intent.value, summary: intent.summary,
      });
      if (opened !== null) {
        note(opened, true);
        return;
      }
      record = await findOpen(intent);
      if (record === undefined) return;
    }
    if (intent.state === 'firing' && record.state === 'pending') {
      const fired = await deps.store.fireAlert(record.id, intent.atMs, intent.value);
      if (fired !== null) note(fired, true);
    }
  };

  return {
    async load() {
      for (const record of await deps.store.listOpenAlerts()) {
        put(record);
        wanted.set(record.ruleId, record.subjectId, record.state === 'pending' ? 'pending' : 'firing');
        lastSeq = Math.max(lastSeq, record.changeSeq);
      }
    },
    current: (ruleId, subjectId) => open.get(ruleId, subjectId),
    openOfCwm: (cwmId) => [...(byCwm.get(cwmId)?.values() ?? [])],
    openAlerts: () => open.values(),
    pendingAlerts: () => pending.values(),
    wantedOf: (ruleId, subjectId) => wanted.get(ruleId, subjectId) ?? 'none',
    want(intent) {
      const key = keyOf(intent.ruleId, intent.subjectId);
      const previous = wanted.get(intent.ruleId, intent.subjectId) ?? 'none';
      if (previous === intent.state) return;
      if (intent.state === 'none') wanted.delete(intent.ruleId, intent.subjectId);
      else wanted.set(intent.ruleId, intent.subjectId, intent.state);
      const run = (chains.get(key) ?? Promise.resolve())
        .then(() => apply(intent))
        .catch((error: unknown) => {
          // Forget the want: the next evaluation that wants it asks again.
          if ((wanted.get(intent.ruleId, intent.subjectId) ?? 'none') === intent.state) wanted.delete(intent.ruleId, intent.subjectId);
          deps.onWriteFailed(error);
        })
        .finally(() => {
          if (chains.get(key) === run) chains.delete(key);
        });
      chains.set(key, run);
    },
    async sync() {
      let read = 0;
      for (;;) {
        const changes = await deps.store.listAlertChanges(lastSeq, SYNC_BATCH);
        for (const record of changes) {
          const key = keyOf(record.ruleId, record.subjectId);
          lastSeq = Math.max(lastSeq, record.changeSeq);
          const before = open.get(record.ruleId, record.subjectId);
          put(record);
          // The store's state becomes the want unless a write of ours for this key is under way.
          if (!chains.has(key)) {
            const now = open.get(record.ruleId, record.subjectId);
            if (now === undefined) wanted.delete(record.ruleId, record.subjectId);
            else wanted.set(record.ruleId, record.subjectId, now.state === 'pending' ? 'pending' : 'firing');
          }
          if (localSeqs.delete(record.changeSeq)) continue;
          if (before?.changeSeq !== record.changeSeq) deps.onChange?.(record, false);
        }
        read += changes.length;
        if (changes.length < SYNC_BATCH) return read;
      }
    },
    async settle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
