// First start: with no operator yet, the console would lock everyone out, so the server creates `admin`.

import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../domain/audit-log.js';
import type { OperatorAuth } from '../domain/operator-auth.js';
import { isOpenTpsError } from '../errors.js';

export interface FirstOperatorDeps {
  readonly store: { countOperators(): Promise<number> };
  readonly auth: Pick<OperatorAuth, 'addOperator'>;
  readonly audit: Pick<AuditLog, 'record'>;
  /** OPENTPS_ADMIN_PASSWORD; null: a password is generated. */
  readonly adminPassword: string | null;
  /** Where a generated password is shown, once (standard error, never the log). */
  readonly showOnce: (text: string) => void;
}

/**
 * On first start (no operator yet) creates the operator `admin`: with OPENTPS_ADMIN_PASSWORD, or with a
 * generated password shown once through `showOnce`.
 */
export async function ensureFirstOperator(deps: FirstOperatorDeps): Promise<void> {
  if ((await deps.store.countOperators()) > 0) return;
  const password = deps.adminPassword ?? randomBytes(18).toString('base64url');
  try {
    await deps.auth.addOperator('admin', password);
  } catch (error) {
    // Several nodes starting together on one PostgreSQL: another node created it first.
    if (isOpenTpsError(error, 'ERR_OPERATOR_EXISTS')) return;
    throw error;
  }
  await deps.audit.record('system', 'operator.add', 'admin', { generatedPassword: deps.adminPassword === null });
  if (deps.adminPassword === null) {
    deps.showOnce(`OpenTPS created the operator "admin" with the password ${password}
  (shown once: keep it, or add another operator with \`opentps admin add <name>\`)`);
  }
}
