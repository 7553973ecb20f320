// The one-cell text form of a field's labels in a dictionary CSV (dictionary-csv.ts): `0=off;1=melt;2=heating`
// for enum and bit labels, `a;b;c` for item labels. A spreadsheet cell holds it, so it has to be typed by hand:
//  - `;` separates entries and the first `=` of an entry separates the raw value (or bit index) from its label;
//  - a backslash makes the next character literal: `\;`, `\=`, `\\`, and `\ ` (a space kept at either end);
//    any other backslash sequence is refused, so a mistyped one is reported instead of silently changed;
//  - spaces around entries, values and labels are dropped (`0 = off; 1 = melt` is `0=off;1=melt`): a raw value
//    of " 1" would never match a heartbeat, and nobody sees such a space in a spreadsheet.
// An empty cell means no labels; an empty entry (`a;;b`, a trailing `;`) is refused.

/** A list read from a cell, or why it cannot be read. */
export type LabelListResult<T> = { readonly isOk: true; readonly value: T } | { readonly isOk: false; readonly problem: string };

interface Char {
  readonly char: string;
  readonly isEscaped: boolean;
}

const ESCAPABLE = /^[\\;=\s]$/;

/** The characters of `text` with escapes resolved, or the problem with the first bad escape. */
function unescape(text: string): LabelListResult<Char[]> {
  const chars: Char[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (char !== '\\') {
      chars.push({ char, isEscaped: false });
      continue;
    }
    const next = text.charAt(index + 1);
    if (next === '') return { isOk: false, problem: 'ends with a lone backslash; write \\\\ for a backslash' };
    if (!ESCAPABLE.test(next)) return { isOk: false, problem: `unknown escape \\${next} at character ${index + 1}; only \\; \\= \\\\ and \\ (space) are escapes` };
    chars.push({ char: next, isEscaped: true });
    index++;
  }
  return { isOk: true, value: chars };
}

function split(chars: readonly Char[], separator: string): Char[][] {
  const parts: Char[][] = [[]];
  for (const char of chars) {
    if (!char.isEscaped && char.char === separator) parts.push([]);
    else parts[parts.length - 1]?.push(char);
  }
  return parts;
}

function trimmed(chars: readonly Char[]): string {
  let start = 0;
  let end = chars.length;
  const isSpace = (char: Char | undefined): boolean => char !== undefined && !char.isEscaped && /\s/.test(char.char);
  while (start < end && isSpace(chars[start])) start++;
  while (end > start && isSpace(chars[end - 1])) end--;
  return chars.slice(start, end).map((char) => char.char).join('');
}

function entriesOf(text: string): LabelListResult<Char[][] | null> {
  if (text.trim() === '') return { isOk: true, value: null };
  const chars = unescape(text);
  if (!chars.isOk) return chars;
  const entries = split(chars.value, ';');
  const emptyAt = entries.findIndex((entry) => trimmed(entry) === '');
  if (emptyAt !== -1) return { isOk: false, problem: `entry ${emptyAt + 1} is empty (remove the extra ";")` };
  return { isOk: true, value: entries };
}

/**
 * Reads `0=off;1=melt` into `{ "0": "off", "1": "melt" }`; null for an empty cell.
 * @example parseLabelPairs('0 = off; 1 = melt') // { isOk: true, value: { '0': 'off', '1': 'melt' } }
 */
export function parseLabelPairs(text: string): LabelListResult<Record<string, string> | null> {
  const entries = entriesOf(text);
  if (!entries.isOk) return entries;
  if (entries.value === null) return { isOk: true, value: null };
  const labels: Record<string, string> = {};
  for (const [index, entry] of entries.value.entries()) {
    const [raw = [], ...rest] = split(entry, '=');
    if (rest.length === 0) return { isOk: false, problem: `entry ${index + 1} ${JSON.stringify(trimmed(entry))} has no "=" between value and label` };
    // Only the first "=" separates: the rest belong to the label, as typed.
    const rawValue = trimmed(raw);
    const label = trimmed(entry.slice(raw.length + 1));
    if (rawValue === '') return { isOk: false, problem: `entry ${index + 1} has no value before "="` };
    if (Object.hasOwn(labels, rawValue)) return { isOk: false, problem: `value ${JSON.stringify(rawValue)} is labelled twice` };
    labels[rawValue] = label;
  }
  return { isOk: true, value: labels };
}

/** Reads `a;b;c` into `["a", "b", "c"]`; null for an empty cell. */
export function parseLabelItems(text: string): LabelListResult<string[] | null> {
  const entries = entriesOf(text);
  if (!entries.isOk) return entries;
  return { isOk: true, value: entries.value === null ? null : entries.value.map(trimmed) };
}

/** `text` with `\`, `;` and `=` escaped, and spaces at either end kept by escaping them. */
function escapeText(text: string): string {
  const escaped = text.replace(/[\\;=]/g, (char) => `\\${char}`);
  const leading = /^\s*/.exec(escaped)?.[0] ?? '';
  const rest = escaped.slice(leading.length);
  const trailing = /\s*$/.exec(rest)?.[0] ?? '';
  const middle = rest.slice(0, rest.length - trailing.length);
  const escapeEach = (spaces: string): string => [...spaces].map((char) => `\\${char}`).join('');
  return `${escapeEach(leading)}${middle}${escapeEach(trailing)}`;
}

/** The cell text of labels by raw value, which parseLabelPairs reads back as they were. */
export function formatLabelPairs(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([raw, label]) => `${escapeText(raw)}=${escapeText(label)}`)
    .join(';');
}

/** The cell text of item labels, which parseLabelItems reads back as they were. */
export function formatLabelItems(labels: readonly string[]): string {
  return labels.map(escapeText).join(';');
}
