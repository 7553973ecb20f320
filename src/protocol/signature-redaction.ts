// Keeps signatures out of everything a recorded request becomes: logs, the traffic store, the traffic API
// and CLI, exports. A signed URL is a credential for as long as the server would take it (see
// docs/replay-protection.md), and proxies and backups spread what the server writes.
//
// Two passes. First the `sha256hmac` parameters of the URL and of a form body are found the way the server
// reads them (a parameter name is compared after decoding, so `sha256%68mac` is the signature too) and
// their values replaced. Then every value found that way, and any hex run written after the name in
// another shape (`"sha256hmac":"..."` in a JSON body, a Referer header), is replaced wherever else it
// occurs in the text, in either case: the same signature copied into a header is still the signature.

const SIGNATURE_NAME = 'sha256hmac';
export const REDACTED = '[redacted]';
/** Shorter values are not signatures (a real one is 64 hex digits); replacing them would mangle text. */
const MIN_SIGNATURE_CHARS = 16;
/** The name in any shape a text can carry it, then a hex run: the run is a signature. */
const NAMED_HEX = /sha256hmac(?:%22|%3a|%3d|["':=\s])*([0-9a-f]{16,})/gi;

function isSignatureName(encodedName: string): boolean {
  let name = encodedName.replace(/\+/g, ' ');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not decodable: compared as written (the server refuses such a request anyway).
  }
  return name.toLowerCase() === SIGNATURE_NAME;
}

function decodedOrNull(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function redactParams(query: string, found: Set<string>): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1 || !isSignatureName(pair.slice(0, eq))) return pair;
      const value = pair.slice(eq + 1);
      for (const spelling of [value, decodedOrNull(value)]) {
        if (spelling !== null && spelling.length >= MIN_SIGNATURE_CHARS) found.add(spelling.toLowerCase());
      }
      return `${pair.slice(0, eq + 1)}${REDACTED}`;
    })
    .join('&');
}

/** `url` with the value of every `sha256hmac` query parameter replaced. */
export function redactUrl(url: string, found: Set<string> = new Set()): string {
  const mark = url.indexOf('?');
  if (mark === -1) return url;
  return `${url.slice(0, mark + 1)}${redactParams(url.slice(mark + 1), found)}`;
}

/** A form body (`a=1&sha256hmac=...`) with the value of every `sha256hmac` parameter replaced. */
export function redactFormBody(body: string, found: Set<string> = new Set()): string {
  return body.includes('=') ? redactParams(body, found) : body;
}

/** Adds to `found` every hex run written after the signature's name in `text`. */
export function collectNamedSignatures(text: string, found: Set<string>): void {
  for (const match of text.matchAll(NAMED_HEX)) if (match[1]) found.add(match[1].toLowerCase());
}

/** `text` with every occurrence of each value in `signatures` (any letter case) replaced. */
export function redactKnownSignatures(text: string, signatures: ReadonlySet<string>): string {
  let redacted = text;
  for (const signature of signatures) {
    if (signature.length < MIN_SIGNATURE_CHARS || signature === REDACTED.toLowerCase()) continue;
    let at = redacted.toLowerCase().indexOf(signature);
    while (at !== -1) {
      redacted = `${redacted.slice(0, at)}${REDACTED}${redacted.slice(at + signature.length)}`;
      at = redacted.toLowerCase().indexOf(signature, at + REDACTED.length);
    }
  }
  return redacted;
}
