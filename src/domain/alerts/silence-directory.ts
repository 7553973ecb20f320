// Silences as operators set them (issue 16): a rule, a site or a device kept quiet until a time, for a reason.
// Checked before the store is asked, so a silence with no target or no end is never written.

import { OpenTpsError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { AlertStore, SilenceRecord } from './alert-store.js';

/** A silence longer than this is a rule that should be disabled or deleted instead. */
export const MAX_SILENCE_DURATION_MS = 90 * 86_400_000;
export const MAX_SILENCE_REASON_CHARS = 500;

// Control characters would corrupt a log line or a notification; newlines in a reason are fine.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

export interface SilenceInput {
  readonly ruleId?: number | null | undefined;
  readonly siteId?: number | null | undefined;
  readonly deviceId?: string | null | undefined;
  readonly untilMs: number;
  readonly reason: string;
}

export interface SilenceDirectory {
  /** The silences in force now. */
  listActive(): Promise<SilenceRecord[]>;
  /** @throws OpenTpsError ERR_SILENCE_INVALID, ERR_ALERT_RULE_NOT_FOUND (a silence of a rule that does not exist) */
  add(input: SilenceInput, actor: string): Promise<SilenceRecord>;
  /** @throws OpenTpsError ERR_SILENCE_NOT_FOUND */
  remove(id: number): Promise<void>;
}

export interface SilenceDirectoryDeps {
  readonly store: Pick<AlertStore, 'listSilences' | 'addSilence' | 'deleteSilence' | 'findAlertRule'>;
  readonly clock: Clock;
}

export function createSilenceDirectory(deps: SilenceDirectoryDeps): SilenceDirectory {
  return {
    listActive() {
      return deps.store.listSilences(deps.clock.nowMs());
    },
    async add(input, actor) {
      const ruleId = input.ruleId ?? null;
      const siteId = input.siteId ?? null;
      const deviceId = input.deviceId === undefined || input.deviceId === null || input.deviceId.trim() === '' ? null : input.deviceId.trim();
      const targets = [ruleId, siteId, deviceId].filter((target) => target !== null).length;
      if (targets !== 1) throw new OpenTpsError('ERR_SILENCE_INVALID', `exactly one of ruleId, siteId or deviceId is needed, got ${targets}`);
      if (deviceId !== null && deviceId.length > 64) throw new OpenTpsError('ERR_SILENCE_INVALID', 'deviceId: at most 64 characters');
      const nowMs = deps.clock.nowMs();
      if (!Number.isFinite(input.untilMs) || input.untilMs <= nowMs) throw new OpenTpsError('ERR_SILENCE_INVALID', 'until: must be in the future');
      if (input.untilMs - nowMs > MAX_SILENCE_DURATION_MS) throw new OpenTpsError('ERR_SILENCE_INVALID', `until: at most ${MAX_SILENCE_DURATION_MS / 86_400_000} days ahead (disable the rule instead)`);
      const reason = input.reason.trim();
      if (reason === '' || reason.length > MAX_SILENCE_REASON_CHARS || CONTROL.test(reason)) {
        throw new OpenTpsError('ERR_SILENCE_INVALID', `reason: 1 to ${MAX_SILENCE_REASON_CHARS} characters without control characters`);
      }
      if (ruleId !== null && (await deps.store.findAlertRule(ruleId)) === null) throw new OpenTpsError('ERR_ALERT_RULE_NOT_FOUND', String(ruleId));
      return deps.store.addSilence({ ruleId, siteId, deviceId, untilMs: input.untilMs, reason, createdBy: actor, createdAtMs: nowMs });
    },
    remove(id) {
      return deps.store.deleteSilence(id);
    },
  };
}
