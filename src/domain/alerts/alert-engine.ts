// The alert evaluation of one node (issue 16): loads the rules and the open alerts, follows what the node sees
// (pushes and device requests, on the request path, in memory), and sweeps on timers: CWMs whose offline deadline
// passed (O(CWMs fallen silent), confirmed against the store), failure windows that lapsed, pending durations
// that ran out, device problems the store counts (O(devices with the problem)), and the alert changes other
// nodes made. Writes go through the ledger, behind the request path.

import { ONLINE_RULE } from '../device-status.js';
import { offlineLimitMs, offlineValueOf } from './offline-limit.js';
import type { EquipmentModel } from '../equipment-model/data-dictionary.js';
import type { Clock } from '../clock.js';
import type { CrcVerdict } from '../../protocol/okm-crc.js';
import type { SignatureVerdict } from '../request-observation.js';
import type { AlertRecord, AlertStore } from './alert-store.js';
import type { AlertSourceStore, DeviceRhythm } from './alert-source-store.js';
import { compileRule, type CompiledRule } from './compiled-rule.js';
import { createAlertEvaluator, type AlertEvaluator } from './alert-evaluator.js';
import { createFailureWindow, type FailureWindow } from './failure-window.js';
import { createOfflineDeadlines } from './offline-deadlines.js';
import { createOpenAlertLedger, type OpenAlertLedger } from './open-alert-ledger.js';
import { createRuleSet, type RuleSet } from './rule-set.js';
import { loadScopeMembers, type MembershipSource } from './scope-membership.js';

/** How far back expired messages count for a messages-expired condition. */
export const EXPIRED_WINDOW_MS = 3_600_000;
/** Candidates confirmed against the store per sweep (the rest wait for the next sweep). */
const MAX_CONFIRM_PER_SWEEP = 5000;
const CONFIRM_CHUNK = 1000;

export interface AlertEngineDeps {
  readonly store: Pick<AlertStore, 'listAlertRules' | 'openAlert' | 'fireAlert' | 'resolveAlert' | 'queryAlerts' | 'listOpenAlerts' | 'listAlertChanges'> & AlertSourceStore;
  readonly membership: MembershipSource;
  readonly clock: Clock;
  readonly modelsById: () => ReadonlyMap<string, EquipmentModel>;
  /** An incomplete transfer with no progress for this long is stalled (the server's transferStallAfterS). */
  readonly transferStallAfterMs: number;
  readonly onWriteFailed: (error: unknown) => void;
  /** Every alert change this node made or learnt of (live events, metrics). */
  readonly onChange?: ((record: AlertRecord, isLocal: boolean) => void) | undefined;
}

export interface SweepReport {
  /** CWMs whose deadline passed and were read back from the store. */
  readonly confirmed: number;
  /** CWMs found offline for at least one rule. */
  readonly offline: number;
  readonly changesRead: number;
}

export interface PushSignal {
  readonly cwmId: string;
  readonly originId: string;
  readonly atMs: number;
  readonly heartbeat: Readonly<Record<string, unknown>> | null;
  readonly crcVerdict: CrcVerdict;
}

export interface AlertEngine {
  /** Loads rules, open alerts and the CWMs' rhythms (once: O(fleet) at start, not per sweep). */
  start(): Promise<void>;
  /** A stored (not duplicate) push: field conditions, CRC failures (its request is told to observeRequest). Never throws, never waits. */
  observePush(signal: PushSignal): void;
  /** Any device request: the CWM is seen (offline resolves); an HMAC failure is counted. Never throws. */
  observeRequest(deviceId: string | null, claimedDeviceId: string | null, signatureVerdict: SignatureVerdict | null, atMs: number): void;
  /** Reloads the rules (and the members of their scopes). */
  reloadRules(): Promise<void>;
  /** The timer's work; see the module comment. */
  sweep(): Promise<SweepReport>;
  /** Device problems the store counts: queue backlog, messages expired, stalled transfers. */
  sweepProblems(): Promise<void>;
  /** Resolves when every alert write asked for so far has finished. */
  settle(): Promise<void>;
  readonly ledger: OpenAlertLedger;
  readonly evaluator: AlertEvaluator;
  /** CWMs with an offline deadline (for the bench). */
  readonly trackedCwmCount: number;
  /** This node's CRC or HMAC failures of a CWM within the last hour (for the rule preview). */
  recentFailures(problem: 'crc-failures' | 'hmac-failures', cwmId: string, nowMs: number): number;
}

interface Rhythm {
  lastSeenAtMs: number;
  typicalIntervalMs: number | null;
  /**
   * The interval is the store's (read at start or at a deadline). A CWM first seen here has none yet: it gets one
   * early look instead (PROBE_AFTER_MS after its last request), so that a CWM reporting every 10 s is not judged by
   * the 60 s default until its first real deadline.
   */
  isConfirmed: boolean;
}

/** Silence after which a CWM this node has no interval for is read back (shorter than any offline limit). */
const PROBE_AFTER_MS = ONLINE_RULE.backoffSlackMs;

export function createAlertEngine(deps: AlertEngineDeps): AlertEngine {
  const rhythms = new Map<string, Rhythm>();
  const sites = new Map<string, number | null>();
  const deadlines = createOfflineDeadlines();
  const offlineHolding = new Set<string>();
  const ledger = createOpenAlertLedger({
    store: deps.store,
    onWriteFailed: deps.onWriteFailed,
    onChange: (record, isLocal) => {
      if (!isLocal) evaluator.adopt(record);
      deps.onChange?.(record, isLocal);
    },
  });
  const emptyRules = createRuleSet([], { deviceIdsOf: () => new Set() });
  const evaluator = createAlertEvaluator({ ledger, modelsById: deps.modelsById, siteOf: (cwmId) => sites.get(cwmId) ?? null }, emptyRules);
  const maxAtLeast = (problem: string) => (): number =>
    Math.max(1, ...evaluator.rules.rulesWith('device-problem').flatMap((rule) => rule.parts.map((part) => (part.kind === 'device-problem' && part.problem === problem ? (part.atLeast ?? 1) : 1))));
  const crcFailures = createFailureWindow(maxAtLeast('crc-failures'));
  const hmacFailures = createFailureWindow(maxAtLeast('hmac-failures'));

  type OfflinePart = { rule: CompiledRule; index: number; intervals: number };
  /** The offline parts of the rules: (rule, part index, intervals), fewest intervals first; built once per rule set. */
  let offlinePartsOf: { rules: unknown; parts: OfflinePart[] } = { rules: null, parts: [] };
  const offlineParts = (): OfflinePart[] => {
    if (offlinePartsOf.rules !== evaluator.rules) {
      const parts = evaluator.rules
        .rulesWith('offline')
        .flatMap((rule) => rule.parts.flatMap((part, index) => (part.kind === 'offline' ? [{ rule, index, intervals: part.intervals }] : [])))
        .sort((a, b) => a.intervals - b.intervals);
      offlinePartsOf = { rules: evaluator.rules, parts };
    }
    return offlinePartsOf.parts;
  };


  /** The next time an offline part that does not hold yet would start to hold for this CWM. */
  const scheduleDeadline = (cwmId: string, rhythm: Rhythm, nowMs: number): void => {
    if (!rhythm.isConfirmed && offlineParts().length > 0) {
      deadlines.set(cwmId, rhythm.lastSeenAtMs + PROBE_AFTER_MS);
      return;
    }
    for (const { intervals } of offlineParts()) {
      const deadlineMs = rhythm.lastSeenAtMs + offlineLimitMs(intervals, rhythm.typicalIntervalMs) + 1;
      if (deadlineMs > nowMs) {
        deadlines.set(cwmId, deadlineMs);
        return;
      }
    }
    deadlines.remove(cwmId);
  };

  /** Evaluates every offline part for one CWM from its stored rhythm. */
  const evaluateOffline = (rhythm: DeviceRhythm, nowMs: number): boolean => {
    // The store's last request may lag this node's by the activity write-behind: the later one counts.
    const seenHere = rhythms.get(rhythm.deviceId)?.lastSeenAtMs ?? 0;
    const known: Rhythm = { lastSeenAtMs: Math.max(rhythm.lastSeenAtMs, seenHere), typicalIntervalMs: rhythm.typicalIntervalMs, isConfirmed: true };
    rhythms.set(rhythm.deviceId, known);
    sites.set(rhythm.deviceId, rhythm.siteId);
    let isOffline = false;
    for (const { rule, index, intervals } of offlineParts()) {
      const silentMs = nowMs - known.lastSeenAtMs;
      const holds = silentMs > offlineLimitMs(intervals, known.typicalIntervalMs) && evaluator.rules.isInScope(rule, { subjectId: rhythm.deviceId, cwmId: rhythm.deviceId });
      if (holds) isOffline = true;
      evaluator.setCwmPart(rule, index, rhythm.deviceId, holds ? offlineValueOf(silentMs, known.lastSeenAtMs) : undefined, nowMs);
    }
    if (isOffline) offlineHolding.add(rhythm.deviceId);
    else offlineHolding.delete(rhythm.deviceId);
    scheduleDeadline(rhythm.deviceId, known, nowMs);
    return isOffline;
  };

  const noteSeen = (cwmId: string, atMs: number): void => {
    const rhythm = rhythms.get(cwmId);
    if (rhythm === undefined) rhythms.set(cwmId, { lastSeenAtMs: atMs, typicalIntervalMs: null, isConfirmed: false });
    else if (atMs > rhythm.lastSeenAtMs) rhythm.lastSeenAtMs = atMs;
    const known = rhythms.get(cwmId);
    if (known !== undefined) scheduleDeadline(cwmId, known, atMs);
    if (offlineHolding.delete(cwmId)) {
      for (const { rule, index } of offlineParts()) evaluator.setCwmPart(rule, index, cwmId, undefined, atMs);
    }
  };

  const noteFailure = (window: FailureWindow, problem: 'crc-failures' | 'hmac-failures', cwmId: string, atMs: number): void => {
    const count = window.note(cwmId, atMs);
    for (const rule of evaluator.rules.rulesWith('device-problem')) {
      rule.parts.forEach((part, index) => {
        if (part.kind !== 'device-problem' || part.problem !== problem || count < (part.atLeast ?? 1)) return;
        if (!evaluator.rules.isInScope(rule, { subjectId: cwmId, cwmId })) return;
        evaluator.setCwmPart(rule, index, cwmId, { failuresInLastHour: count }, atMs);
      });
    }
  };

  const lapseFailures = (nowMs: number): void => {
    for (const rule of evaluator.rules.rulesWith('device-problem')) {
      rule.parts.forEach((part, index) => {
        if (part.kind !== 'device-problem' || (part.problem !== 'crc-failures' && part.problem !== 'hmac-failures')) return;
        const window = part.problem === 'crc-failures' ? crcFailures : hmacFailures;
        for (const cwmId of [...evaluator.cwmsHolding(rule, index).keys()]) {
          if (window.countOf(cwmId, nowMs) < (part.atLeast ?? 1)) evaluator.setCwmPart(rule, index, cwmId, undefined, nowMs);
        }
      });
    }
  };

  const reloadRules = async (): Promise<void> => {
    const records = (await deps.store.listAlertRules()).filter((rule) => rule.isEnabled);
    const compiled = records.map(compileRule);
    const members = await loadScopeMembers(compiled.map((rule) => rule.scope), deps.membership);
    const previousOffline = offlineParts().map(({ rule, intervals }) => `${rule.id}:${rule.version}:${intervals}`).join(',');
    evaluator.setRules(createRuleSet(compiled, members));
    const nowMs = deps.clock.nowMs();
    // New offline rules: every known CWM gets a deadline under them (O(known CWMs), once per such change).
    if (offlineParts().map(({ rule, intervals }) => `${rule.id}:${rule.version}:${intervals}`).join(',') !== previousOffline) {
      for (const [cwmId, rhythm] of rhythms) scheduleDeadline(cwmId, rhythm, Math.min(nowMs, rhythm.lastSeenAtMs + 1));
      offlineHolding.clear();
    }
  };

  return {
    ledger,
    evaluator,
    get trackedCwmCount() {
      return deadlines.size;
    },
    recentFailures: (problem, cwmId, nowMs) => (problem === 'crc-failures' ? crcFailures : hmacFailures).countOf(cwmId, nowMs),
    async start() {
      await ledger.load();
      await reloadRules();
      const nowMs = deps.clock.nowMs();
      for (const rhythm of await deps.store.listDeviceRhythms()) {
        const known: Rhythm = { lastSeenAtMs: rhythm.lastSeenAtMs, typicalIntervalMs: rhythm.typicalIntervalMs, isConfirmed: true };
        rhythms.set(rhythm.deviceId, known);
        sites.set(rhythm.deviceId, rhythm.siteId);
        // Already silent at start: due at once, so the first sweep confirms it.
        scheduleDeadline(rhythm.deviceId, known, Math.min(nowMs, rhythm.lastSeenAtMs + 1));
      }
    },
    observePush(signal) {
      try {
        // The CWM is seen by observeRequest, which the transport calls for every request, this one included.
        if (signal.crcVerdict === 'mismatch' || signal.crcVerdict === 'malformed') noteFailure(crcFailures, 'crc-failures', signal.cwmId, signal.atMs);
        if (signal.heartbeat !== null) evaluator.observeHeartbeat(signal.cwmId, signal.originId, signal.atMs, signal.heartbeat);
      } catch (error) {
        deps.onWriteFailed(error);
      }
    },
    observeRequest(deviceId, claimedDeviceId, signatureVerdict, atMs) {
      try {
        if (deviceId !== null) noteSeen(deviceId, atMs);
        const claimed = deviceId ?? claimedDeviceId;
        if (claimed !== null && (signatureVerdict === 'invalid' || signatureVerdict === 'malformed')) noteFailure(hmacFailures, 'hmac-failures', claimed, atMs);
      } catch (error) {
        deps.onWriteFailed(error);
      }
    },
    reloadRules,
    async sweep() {
      const nowMs = deps.clock.nowMs();
      const changesRead = await ledger.sync();
      const due = deadlines.takeDue(nowMs, MAX_CONFIRM_PER_SWEEP);
      let offline = 0;
      for (let start = 0; start < due.length; start += CONFIRM_CHUNK) {
        const ids = due.slice(start, start + CONFIRM_CHUNK).map((entry) => entry.deviceId);
        const found = await deps.store.findDeviceRhythms(ids);
        for (const rhythm of found) if (evaluateOffline(rhythm, nowMs)) offline++;
      }
      lapseFailures(nowMs);
      evaluator.tick(nowMs);
      return { confirmed: due.length, offline, changesRead };
    },
    async sweepProblems() {
      const nowMs = deps.clock.nowMs();
      const rules = evaluator.rules.rulesWith('device-problem');
      const cache = new Map<string, Map<string, number>>();
      const found = async (problem: string, atLeast: number): Promise<Map<string, number>> => {
        const key = `${problem}:${atLeast}`;
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
        const rows =
          problem === 'queue-backlog' ? await deps.store.listQueueBacklogs(atLeast, nowMs)
          : problem === 'messages-expired' ? await deps.store.listExpiredMessages(atLeast, nowMs - EXPIRED_WINDOW_MS)
          : (await deps.store.listStalledTransfers(nowMs - deps.transferStallAfterMs)).filter((row) => row.count >= atLeast);
        const map = new Map(rows.map((row) => [row.cwmId, row.count]));
        cache.set(key, map);
        return map;
      };
      for (const rule of rules) {
        for (const [index, part] of rule.parts.entries()) {
          if (part.kind !== 'device-problem' || part.problem === 'crc-failures' || part.problem === 'hmac-failures') continue;
          const having = await found(part.problem, part.atLeast ?? 1);
          for (const [cwmId, count] of having) {
            if (evaluator.rules.isInScope(rule, { subjectId: cwmId, cwmId })) evaluator.setCwmPart(rule, index, cwmId, { count }, nowMs);
          }
          for (const cwmId of [...evaluator.cwmsHolding(rule, index).keys()]) if (!having.has(cwmId)) evaluator.setCwmPart(rule, index, cwmId, undefined, nowMs);
        }
      }
    },
    settle: () => ledger.settle(),
  };
}
