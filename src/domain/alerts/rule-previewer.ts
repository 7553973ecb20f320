// The rule editor's preview (issue 16): which subjects a rule would fire on now, from what the store holds (the
// equipment's latest values, the CWMs' last requests, the device problems it counts), read page by page within
// the rule's scope and capped, so a preview costs the scope (at most MAX_PREVIEW_SCAN subjects), never the fleet.
// Durations are not waited for, and failures counted in memory (CRC, HMAC) are this node's.

import type { Clock } from '../clock.js';
import { deriveDeviceStatus } from '../device-status.js';
import { modelIdOfOrigin } from '../equipment/equipment-model-of.js';
import { CWM_MODEL_ID } from '../equipment/equipment-query.js';
import { numberOfField } from './field-number.js';
import { offlineLimitMs, offlineValueOf } from './offline-limit.js';
import type { FleetReadStore } from '../device-store.js';
import type { EquipmentModel } from '../equipment-model/data-dictionary.js';
import { fieldsByKey } from '../equipment-model/dictionary-index.js';
import type { EquipmentStore } from '../equipment/equipment-store.js';
import type { EquipmentQuery, EquipmentSummary } from '../equipment/equipment-query.js';
import type { DeviceListing, DeviceQuery } from '../device-query.js';
import { parseAlertRule } from './alert-rule-validation.js';
import type { AlertRule } from './alert-rule.js';
import type { AlertValue } from './alert-store.js';
import type { AlertSourceStore } from './alert-source-store.js';
import type { AlertPreviewer, PreviewMatch, RulePreview } from './alert-preview.js';
import { compileRule, type SimpleCondition } from './compiled-rule.js';
import { describeCondition } from './condition-summary.js';
import { EXPIRED_WINDOW_MS } from './alert-engine.js';
import { isBreach } from './threshold-tracker.js';

export const MAX_PREVIEW_SCAN = 5000;
const PAGE = 500;

export interface RulePreviewerDeps {
  readonly store: Pick<EquipmentStore, 'queryEquipment' | 'findEquipment'> & Pick<FleetReadStore, 'queryDevices'> & Pick<AlertSourceStore, 'listQueueBacklogs' | 'listExpiredMessages' | 'listStalledTransfers'>;
  readonly clock: Clock;
  readonly modelsById: () => Promise<ReadonlyMap<string, EquipmentModel>>;
  readonly transferStallAfterMs: number;
  /** This node's failures in the last hour per CWM (the engine's failure windows). */
  readonly recentFailures: (problem: 'crc-failures' | 'hmac-failures', cwmId: string, nowMs: number) => number;
}

interface Subject {
  readonly subjectId: string;
  readonly cwmId: string;
  readonly latestFields: Readonly<Record<string, unknown>>;
  readonly lastSeenAtMs: number | null;
  readonly typicalIntervalMs: number | null;
}

type Holds = (subject: Subject) => AlertValue | undefined;

export function createRulePreviewer(deps: RulePreviewerDeps): AlertPreviewer {
  return {
    async previewRule(input: AlertRule, limit: number): Promise<RulePreview> {
      const models = await deps.modelsById();
      const rule = parseAlertRule(input, models);
      const compiled = compileRule({ ...rule, id: 0, version: 0, isEnabled: true, channelIds: [], createdAtMs: 0, updatedAtMs: 0 });
      const nowMs = deps.clock.nowMs();
      const { subjects, isTruncated } = compiled.level === 'equipment' ? await equipmentInScope(deps, rule, nowMs) : await cwmsInScope(deps, rule, nowMs);
      const tests = await Promise.all(compiled.parts.map((part) => holdsFor(deps, part, models, nowMs)));
      const matches: PreviewMatch[] = [];
      for (const subject of subjects) {
        const values = tests.map((test) => test(subject));
        const holds = compiled.join === 'and' ? values.every((value) => value !== undefined) : values.some((value) => value !== undefined);
        if (!holds) continue;
        const value = values.length === 1 ? (values[0] ?? null) : Object.fromEntries(compiled.parts.map((part, index) => [`${index}:${part.kind}`, values[index] ?? null]));
        const summary = compiled.parts.map((part, index) => describeCondition(part, values[index] ?? null)).join(compiled.join === 'and' ? ' AND ' : ' OR ');
        matches.push({ subjectId: subject.subjectId, cwmId: subject.cwmId, value, summary });
      }
      matches.sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
      const hasDuration = compiled.parts.some((part) => part.kind === 'threshold' && (part.forS ?? 0) > 0);
      return {
        matches: matches.slice(0, limit),
        scanned: subjects.length,
        isTruncated,
        note: hasDuration ? 'values past the bound now; the alert fires once they have stayed there for the duration' : null,
      };
    },
  };
}

function numberOf(models: ReadonlyMap<string, EquipmentModel>, subject: Subject, key: string): number | null {
  const modelId = modelIdOfOrigin(subject.subjectId, subject.cwmId);
  const model = modelId === null ? undefined : models.get(modelId);
  return numberOfField(model === undefined ? undefined : fieldsByKey(model).get(key), subject.latestFields[key]);
}

async function holdsFor(deps: RulePreviewerDeps, part: SimpleCondition, models: ReadonlyMap<string, EquipmentModel>, nowMs: number): Promise<Holds> {
  switch (part.kind) {
    case 'threshold':
      return (subject) => {
        const value = numberOf(models, subject, part.field);
        return value !== null && isBreach(part, value) ? value : undefined;
      };
    case 'counter-increased':
      // An increase needs two heartbeats; the preview shows the counters that are above zero now.
      return (subject) => {
        const value = numberOf(models, subject, part.field);
        return value !== null && value > 0 ? value : undefined;
      };
    case 'offline':
      return (subject) => {
        if (subject.lastSeenAtMs === null) return undefined;
        const silentMs = nowMs - subject.lastSeenAtMs;
        return silentMs > offlineLimitMs(part.intervals, subject.typicalIntervalMs) ? offlineValueOf(silentMs, subject.lastSeenAtMs) : undefined;
      };
    case 'device-problem': {
      const atLeast = part.atLeast ?? 1;
      if (part.problem === 'crc-failures' || part.problem === 'hmac-failures') {
        const problem = part.problem;
        return (subject) => {
          const count = deps.recentFailures(problem, subject.cwmId, nowMs);
          return count >= atLeast ? { failuresInLastHour: count } : undefined;
        };
      }
      const rows =
        part.problem === 'queue-backlog' ? await deps.store.listQueueBacklogs(atLeast, nowMs)
        : part.problem === 'messages-expired' ? await deps.store.listExpiredMessages(atLeast, nowMs - EXPIRED_WINDOW_MS)
        : (await deps.store.listStalledTransfers(nowMs - deps.transferStallAfterMs)).filter((row) => row.count >= atLeast);
      const counts = new Map(rows.map((row) => [row.cwmId, row.count]));
      return (subject) => {
        const count = counts.get(subject.cwmId);
        return count === undefined ? undefined : { count };
      };
    }
  }
}

function fromEquipment(item: EquipmentSummary, cwm: Pick<Subject, 'lastSeenAtMs' | 'typicalIntervalMs'> | undefined): Subject {
  return { subjectId: item.id, cwmId: item.cwmId, latestFields: item.latestFields, lastSeenAtMs: cwm?.lastSeenAtMs ?? item.lastSeenAtMs, typicalIntervalMs: cwm?.typicalIntervalMs ?? null };
}

function fromDevice(device: DeviceListing): Subject {
  return { subjectId: device.id, cwmId: device.id, latestFields: {}, lastSeenAtMs: device.lastSeenAtMs, typicalIntervalMs: device.typicalIntervalMs };
}

async function equipmentInScope(deps: RulePreviewerDeps, rule: AlertRule, nowMs: number): Promise<{ subjects: Subject[]; isTruncated: boolean }> {
  const scope = rule.scope;
  if (scope.kind === 'devices') {
    const subjects: Subject[] = [];
    for (const id of scope.deviceIds.slice(0, 200)) {
      const own = await deps.store.findEquipment(id, nowMs);
      if (own !== null) subjects.push(fromEquipment(own, undefined));
      const behind = await deps.store.queryEquipment({ ...ALL_EQUIPMENT, cwmId: id, limit: PAGE }, nowMs);
      for (const item of behind.items) if (item.id !== id) subjects.push(fromEquipment(item, undefined));
    }
    return { subjects, isTruncated: scope.deviceIds.length > 200 };
  }
  const query: EquipmentQuery = {
    ...ALL_EQUIPMENT,
    modelId: scope.kind === 'model' ? scope.modelId.toLowerCase() : null,
    siteId: scope.kind === 'site' ? scope.siteId : null,
    tag: scope.kind === 'tag' ? scope.tag : null,
  };
  const subjects: Subject[] = [];
  for (let offset = 0; offset < MAX_PREVIEW_SCAN; offset += PAGE) {
    const page = await deps.store.queryEquipment({ ...query, limit: PAGE, offset }, nowMs);
    subjects.push(...page.items.map((item) => fromEquipment(item, undefined)));
    if (offset + PAGE >= page.total) return { subjects, isTruncated: false };
  }
  return { subjects, isTruncated: true };
}

async function cwmsInScope(deps: RulePreviewerDeps, rule: AlertRule, nowMs: number): Promise<{ subjects: Subject[]; isTruncated: boolean }> {
  const scope = rule.scope;
  const offlineOnly = rule.condition.kind === 'offline';
  const query: DeviceQuery = {
    search: null,
    // Only offline CWMs can match an offline rule: the store filters them (cost follows the offline ones).
    status: offlineOnly ? 'offline' : null,
    siteId: scope.kind === 'site' ? scope.siteId : null,
    tag: scope.kind === 'tag' ? scope.tag : null,
    sort: 'id',
    order: 'asc',
    limit: PAGE,
    offset: 0,
  };
  if (scope.kind === 'devices') {
    const wanted = new Set(scope.deviceIds);
    const subjects: Subject[] = [];
    for (const id of scope.deviceIds.slice(0, 200)) {
      const page = await deps.store.queryDevices({ ...query, status: null, search: id, limit: 20 }, nowMs);
      for (const device of page.items) if (wanted.has(device.id)) subjects.push(fromDevice(device));
    }
    return { subjects, isTruncated: scope.deviceIds.length > 200 };
  }
  const subjects: Subject[] = [];
  for (let offset = 0; offset < MAX_PREVIEW_SCAN; offset += PAGE) {
    const page = await deps.store.queryDevices({ ...query, offset }, nowMs);
    for (const device of page.items) {
      // A model scope on CWM conditions: the CWMs of that model (a CWM's own model is c000).
      if (scope.kind === 'model' && scope.modelId.toLowerCase() !== CWM_MODEL_ID) continue;
      if (deriveDeviceStatus(device.lastSeenAtMs, device.typicalIntervalMs, nowMs) === 'never-seen') continue;
      subjects.push(fromDevice(device));
    }
    if (offset + PAGE >= page.total) return { subjects, isTruncated: false };
  }
  return { subjects, isTruncated: true };
}

const ALL_EQUIPMENT: EquipmentQuery = { search: null, modelId: null, siteId: null, tag: null, cwmId: null, status: null, sort: 'id', order: 'asc', limit: PAGE, offset: 0 };

