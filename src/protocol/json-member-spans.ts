// Locates where each top-level member of a JSON object sits in its source text, so that a value
// (the OKM inside `req`, the `_crc` inside an OKM) can be taken or patched byte-exactly: the CRC
// and the HMAC are defined on the text as sent, never on re-serialised JSON.

/** Position of one top-level member; offsets are UTF-16 indexes into the source text. */
export interface MemberSpan {
  readonly key: string;
  readonly valueStart: number;
  /** Index one past the last character of the value. */
  readonly valueEnd: number;
}

/**
 * Spans of the top-level members of `text`, which must already be known to be valid JSON
 * (JSON.parse succeeded). Returns null when the top-level value is not an object.
 * @example findTopLevelMemberSpans('{"a": [1, 2]}') // [{ key: 'a', valueStart: 6, valueEnd: 12 }]
 */
export function findTopLevelMemberSpans(text: string): MemberSpan[] | null {
  let pos = skipWhitespace(text, 0);
  if (text[pos] !== '{') return null;
  pos = skipWhitespace(text, pos + 1);
  const spans: MemberSpan[] = [];
  if (text[pos] === '}') return spans;
  for (;;) {
    const keyEnd = skipString(text, pos);
    const key = JSON.parse(text.slice(pos, keyEnd)) as string;
    pos = skipWhitespace(text, keyEnd);
    pos = skipWhitespace(text, pos + 1); // past ':'
    const valueStart = pos;
    const valueEnd = skipValue(text, pos);
    spans.push({ key, valueStart, valueEnd });
    pos = skipWhitespace(text, valueEnd);
    if (text[pos] === ',') {
      pos = skipWhitespace(text, pos + 1);
      continue;
    }
    return spans;
  }
}

/** The span of the last top-level member named `key` (JSON.parse keeps the last duplicate too). */
export function findTopLevelMember(text: string, key: string): MemberSpan | undefined {
  const spans = findTopLevelMemberSpans(text);
  if (!spans) return undefined;
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i];
    if (span && span.key === key) return span;
  }
  return undefined;
}

function skipWhitespace(text: string, pos: number): number {
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    pos++;
  }
  return pos;
}

function skipString(text: string, pos: number): number {
  // pos is at the opening quote.
  pos++;
  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c === 0x5c) pos += 2;
    else if (c === 0x22) return pos + 1;
    else pos++;
  }
  return pos;
}

function skipValue(text: string, pos: number): number {
  const c = text[pos];
  if (c === '"') return skipString(text, pos);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === '"') {
        pos = skipString(text, pos);
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return pos + 1;
      }
      pos++;
    }
    return pos;
  }
  // number, true, false, null: runs until a structural character or whitespace.
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === ',' || ch === '}' || ch === ']' || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') break;
    pos++;
  }
  return pos;
}
