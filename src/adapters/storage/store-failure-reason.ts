// Tells a store that cannot write (disk full, I/O error, read-only, database unreachable) from a write
// that was refused on its merits (a full queue, a taken id): the first turns /healthz to 503, the second
// is an answer. Each backend's driver names failures its own way; the reason is short and safe to show.

/** errno codes of the file system calls under SQLite (fdatasync of the WAL) and of the network under pg. */
const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EIO: 'I/O error',
  EROFS: 'read-only file system',
  ECONNREFUSED: 'no connection',
  ECONNRESET: 'no connection',
  ETIMEDOUT: 'no connection',
  EHOSTUNREACH: 'no connection',
  ENETUNREACH: 'no connection',
  ENOTFOUND: 'no connection',
  EPIPE: 'no connection',
};

/** SQLite result codes (extended codes start with the primary one: SQLITE_IOERR_FSYNC is an I/O error). */
const SQLITE_REASONS: ReadonlyArray<readonly [string, string]> = [
  ['SQLITE_FULL', 'disk full'],
  ['SQLITE_IOERR', 'I/O error'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_CANTOPEN', 'cannot open the database file'],
  ['SQLITE_CORRUPT', 'database corrupt'],
  ['SQLITE_NOTADB', 'database corrupt'],
  // Another process held the write lock past the busy timeout (10 s): nothing can be stored meanwhile.
  ['SQLITE_BUSY', 'database locked'],
];

/** SQLSTATE prefixes (classes or single states) that mean the database cannot take writes now. */
const POSTGRES_REASONS: ReadonlyArray<readonly [string, string]> = [
  ['53100', 'disk full'],
  ['53', 'database out of resources'],
  ['58', 'I/O error'],
  ['08', 'no connection'],
  ['57P', 'database shutting down'],
  ['25006', 'read-only'],
  ['XX001', 'database corrupt'],
  ['XX002', 'database corrupt'],
];

/** The error and its causes, outermost first (OpenTpsError wraps the driver's error as `cause`). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 8; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function codeOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !('code' in value)) return null;
  return typeof value.code === 'string' ? value.code : null;
}

function reasonByPrefix(code: string, table: ReadonlyArray<readonly [string, string]>): string | null {
  return table.find(([prefix]) => code.startsWith(prefix))?.[1] ?? null;
}

/**
 * Why an embedded-store write could not be made, or null when the error is not a store failure.
 * @example sqliteFailureReason(new OpenTpsError('ERR_STORE_FAILED', 'commit failed', { cause: sqliteFullError })) // 'disk full'
 */
export function sqliteFailureReason(error: unknown): string | null {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (code === null) continue;
    const reason = code.startsWith('SQLITE_') ? reasonByPrefix(code, SQLITE_REASONS) : ERRNO_REASONS[code] ?? null;
    if (reason !== null) return reason;
  }
  return null;
}

/** Why a PostgreSQL write could not be made, or null when the error is not a store failure. */
export function postgresFailureReason(error: unknown): string | null {
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (code !== null) {
      const reason = ERRNO_REASONS[code] ?? (/^[0-9A-Z]{5}$/.test(code) ? reasonByPrefix(code, POSTGRES_REASONS) : null);
      if (reason !== null) return reason;
      continue;
    }
    // node-postgres reports a lost or refused connection with no code at all ("Connection terminated
    // unexpectedly", "timeout exceeded when trying to connect"): its message is all there is to go by.
    if (link instanceof Error && /connection terminated|trying to connect|not queryable/i.test(link.message)) return 'no connection';
  }
  return null;
}
