// The `Range: bytes=...` header of a download (RFC 9110 14.1-14.2), reduced to what we serve: one
// range. Several ranges are allowed to be answered with the whole file (RFC 9110 14.2), as we do.

export type RangeDecision =
  /** No Range, an unknown unit, bad syntax or several ranges: send the whole file (200). */
  | { readonly kind: 'full' }
  /** One satisfiable range, clamped to the file: send bytes start..end inclusive (206). */
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  /** Valid syntax that selects nothing in this file: 416 with `Content-Range: bytes * /size`. */
  | { readonly kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

/**
 * Decides what a Range header asks of a file of `size` bytes.
 * @example decideRange('bytes=0-0', 10) -> { kind: 'partial', start: 0, end: 0 }
 * @example decideRange('bytes=-4', 10) -> { kind: 'partial', start: 6, end: 9 }
 * @example decideRange('bytes=10-', 10) -> { kind: 'unsatisfiable' }
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  // A list of ranges: RFC 9110 lets a server ignore Range; we answer with the whole file.
  if (header.includes(',')) return { kind: 'full' };
  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  // Digits past 2^53 cannot be positions in any file we hold; treat them as "very large".
  const firstPos = first === '' ? null : Number(first);
  const lastPos = last === '' ? null : Number(last);
  if (firstPos === null) {
    // Suffix range `bytes=-N`: the last N bytes; `-0` selects nothing.
    const length = lastPos ?? 0;
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  // `N-M` with M < N is invalid syntax (RFC 9110 14.1.1): ignore the header.
  if (lastPos !== null && lastPos < firstPos) return { kind: 'full' };
  if (firstPos >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start: firstPos, end: lastPos === null ? size - 1 : Math.min(lastPos, size - 1) };
}

/** The Content-Range of a 206. */
export function contentRangeOf(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`;
}

/** The Content-Range of a 416. */
export function unsatisfiedContentRange(size: number): string {
  return `bytes */${size}`;
}
