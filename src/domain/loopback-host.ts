// Whether a URL's host is this machine (issues 16 and 17: plain http or mqtt is allowed only to loopback, where
// nothing crosses a network). Names are taken as written: `localhost` and `*.localhost` (RFC 6761), 127/8, ::1.

import { isIP } from 'node:net';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}
