// The storage port for operator accounts, their browser sessions and API tokens, and the audit log.

export interface OperatorRecord {
  readonly id: number;
  readonly name: string;
  readonly passwordHash: string;
  readonly isDisabled: boolean;
  readonly createdAtMs: number;
}

export interface SessionRecord {
  readonly operatorName: string;
  readonly csrfToken: string;
  readonly expiresAtMs: number;
}

export interface ApiTokenRecord {
  readonly id: number;
  readonly operatorName: string;
  readonly label: string | null;
}

export interface AuditEntry {
  readonly atMs: number;
  /** The operator (or `cli`, `system`) who acted. */
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: Record<string, unknown> | null;
}

export interface OperatorStore {
  /** @throws OpenTpsError ERR_OPERATOR_EXISTS */
  addOperator(name: string, passwordHash: string, atMs: number): Promise<OperatorRecord>;
  findOperator(name: string): Promise<OperatorRecord | null>;
  countOperators(): Promise<number>;
  createSession(idHash: string, operatorName: string, csrfToken: string, createdAtMs: number, expiresAtMs: number): Promise<void>;
  /** The unexpired session with this id hash. */
  findSession(idHash: string, nowMs: number): Promise<SessionRecord | null>;
  deleteSession(idHash: string): Promise<void>;
  createApiToken(tokenHash: string, operatorName: string, label: string | null, atMs: number): Promise<ApiTokenRecord>;
  findApiToken(tokenHash: string): Promise<ApiTokenRecord | null>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest last. */
  listAudit(limit: number): Promise<AuditEntry[]>;
  /** Removes up to `limit` of the oldest audit entries written before `olderThanMs`; returns how many went. */
  pruneAudit(olderThanMs: number, limit: number): Promise<number>;
}
