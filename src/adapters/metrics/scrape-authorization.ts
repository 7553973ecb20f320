// Who may read /metrics: nobody until --metrics-token is set (the listener is the devices' own, often on
// the internet), then whoever sends `Authorization: Bearer <token>`.

import { createHash, timingSafeEqual } from 'node:crypto';

export type ScrapeVerdict = 'allowed' | 'disabled' | 'refused';

const BEARER = /^Bearer +(\S+) *$/i;

/** Equal-length digests, so that the comparison takes the same time whatever the guess. */
function digestOf(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** `token`: the configured --metrics-token, null when unset. */
export function judgeScrape(authorization: string | undefined, token: string | null): ScrapeVerdict {
  if (token === null) return 'disabled';
  const presented = BEARER.exec(authorization ?? '')?.[1];
  if (presented === undefined) return 'refused';
  return timingSafeEqual(digestOf(presented), digestOf(token)) ? 'allowed' : 'refused';
}
