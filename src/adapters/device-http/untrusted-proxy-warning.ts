// Warns, once per peer address, when requests carry forwarding headers (X-Forwarded-For, Forwarded,
// X-Real-IP) from a peer that is not in --trusted-proxies. The headers are then ignored, as they must be,
// so if that peer is our own proxy every client behind it has the proxy's address: login back-off and
// per-address rate limits treat all of them as one client, and one guesser slows every operator.

import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * Peers warned about at most: clients that add X-Forwarded-For themselves (scanners, some corporate
 * proxies) must not grow the log or the memory without end. One last line says when it is reached.
 */
export const MAX_WARNED_PEERS = 1000;

/** The address as --trusted-proxies takes it (an IPv4 peer on a dual-stack socket is `::ffff:a.b.c.d`). */
function asFlagAddress(peer: string): string {
  return peer.startsWith('::ffff:') && isIP(peer.slice(7)) === 4 ? peer.slice(7) : peer;
}

/**
 * @example
 * const warnIfUntrustedProxy = createUntrustedProxyWarning({ isTrustedProxy, logger });
 * warnIfUntrustedProxy(request.raw.socket.remoteAddress, request.headers);
 */
export function createUntrustedProxyWarning(deps: {
  isTrustedProxy: (address: string | undefined) => boolean;
  logger: FastifyBaseLogger;
}): (peer: string | undefined, headers: IncomingHttpHeaders) => void {
  const warnedPeers = new Set<string>();
  let isSilenced = false;
  return (peer, headers) => {
    // Most requests carry none of the headers: that check comes first, since this runs on every request.
    const header = FORWARDING_HEADERS.find((name) => headers[name] !== undefined);
    if (header === undefined || peer === undefined || isSilenced || warnedPeers.has(peer) || deps.isTrustedProxy(peer)) return;
    if (warnedPeers.size >= MAX_WARNED_PEERS) {
      isSilenced = true;
      deps.logger.warn({ peers: warnedPeers.size }, 'forwarding headers arrived from more untrusted peers than are reported; no further ones are logged');
      return;
    }
    warnedPeers.add(peer);
    const address = asFlagAddress(peer);
    deps.logger.warn(
      { peer: address, header },
      `requests from ${address} carry ${header}, but ${address} is not in --trusted-proxies, so the header is ignored: ` +
        `if ${address} is your proxy, every client behind it shares its address for login back-off and per-address rate limits. ` +
        `Start OpenTPS with --trusted-proxies ${address} (OPENTPS_TRUSTED_PROXIES) if it is.`,
    );
  };
}
