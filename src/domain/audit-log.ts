// The audit log: who did what, to which device or message, when. Every state-changing operator action
// goes through here (admin API and CLI alike).

import type { Clock } from './clock.js';
import type { OperatorStore } from './operator-store.js';

export interface AuditLog {
  record(actor: string, action: string, target: string | null, details?: Record<string, unknown>): Promise<void>;
}

export function createAuditLog(deps: { store: OperatorStore; clock: Clock }): AuditLog {
  return {
    record(actor, action, target, details) {
      return deps.store.appendAudit({ atMs: deps.clock.nowMs(), actor, action, target, details: details ?? null });
    },
  };
}
