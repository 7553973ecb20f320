// A recorded device request without its signatures (src/protocol/signature-redaction.ts): applied before
// an entry is stored and again wherever stored entries leave the server, for entries recorded before.

import {
  collectNamedSignatures, redactFormBody, redactKnownSignatures, redactUrl,
} from '../protocol/signature-redaction.js';
import type { TrafficEntry } from './traffic-store.js';

export function redactTrafficEntry<T extends TrafficEntry>(entry: T): T {
  const found = new Set<string>();
  const url = redactUrl(entry.url, found);
  const body = redactFormBody(entry.body, found);
  const headerValues = Object.values(entry.headers);
  for (const text of [entry.url, entry.body, ...headerValues]) collectNamedSignatures(text, found);
  // An unsigned request (the vendor's smoke test, a scanner) has nothing to take out.
  if (found.size === 0) return entry;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers)) headers[name] = redactKnownSignatures(redactUrl(value, found), found);
  return {
    ...entry,
    url: redactKnownSignatures(url, found),
    body: redactKnownSignatures(body, found),
    headers,
    response: redactKnownSignatures(entry.response, found),
  };
}
