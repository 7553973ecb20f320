// The file-name rule of the managed file store (PROTOCOL.md A7): names are the whole identity of a
// file, used as a URL path segment at the root, so the rule makes traversal impossible by construction.

/** Letters, digits, dot, underscore and dash; 1 to 128 characters; no leading dot (so never `.` or `..`). */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/**
 * Root paths a file may never take: `/<name>` would otherwise compete with a device, API or console
 * route (a file never shadows them, and refusing the name at upload keeps the operator from being surprised).
 */
export const RESERVED_FILE_NAMES: ReadonlySet<string> = new Set([
  'push', 'pull', 'time', 'provision', 'files', 'api', 'console', 'pullform', 'healthz', 'metrics', 'favicon.ico', 'index.html',
]);

export function isValidFileName(name: string): boolean {
  return FILE_NAME.test(name);
}

/** True for names equal (case-insensitively) to a reserved root path, or starting with `provision` (`/provision*`). */
export function isReservedFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_FILE_NAMES.has(lower) || lower.startsWith('provision');
}

/**
 * Decodes one percent-encoded path segment into a file name, or null when it is not a valid name:
 * bad encoding, an encoded `/` or `\`, NUL, `..`, or any character outside the rule.
 */
export function decodeFileNameSegment(segment: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return isValidFileName(decoded) ? decoded : null;
}
