// The per-address cap on open connections (--max-connections-per-address). A socket is counted when
// the server accepts it, before any TLS work; one over the cap is closed at once, and each close frees
// its slot. Trusted proxies (nginx holds many upstream connections) are never counted.

import type { Server as NetServer, Socket } from 'node:net';
import type { Clock } from '../../domain/clock.js';

/** Refusals from one address are logged at most this often (the rest are counted into the next line). */
export const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** What the limiter needs of an accepted socket (a node:net Socket in production). */
export interface AcceptedSocket {
  readonly remoteAddress?: string | undefined;
  once(event: 'close', listener: () => void): unknown;
  destroy(): unknown;
}

export interface RefusalLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface ConnectionLimiterDeps {
  readonly maxPerAddress: number;
  /** Addresses never counted nor refused (--trusted-proxies). */
  readonly isExempt: (address: string) => boolean;
  readonly clock: Clock;
  readonly logger: RefusalLogger;
}

export interface ConnectionLimiter {
  /** Counts the socket against its address and frees the slot on 'close'; over the cap, destroys it and returns false. */
  admit(socket: AcceptedSocket): boolean;
  /** Connections from `address` counted as open now. */
  openCount(address: string): number;
  /** Connections refused since start, all addresses together. */
  refusedCount(): number;
}

interface RefusalLogState {
  loggedAtMs: number;
  /** Refusals since the last line for this address. */
  unlogged: number;
}

export function createConnectionLimiter(deps: ConnectionLimiterDeps): ConnectionLimiter {
  const openByAddress = new Map<string, number>();
  // Kept in the order of the last line logged (re-inserted on each), so entries older than the interval
  // are always at the front and are dropped from there: O(1) amortised per refusal, bounded by the
  // addresses refused within one interval.
  const refusalLog = new Map<string, RefusalLogState>();
  let refused = 0;

  const release = (address: string): void => {
    const count = openByAddress.get(address) ?? 0;
    if (count <= 1) openByAddress.delete(address);
    else openByAddress.set(address, count - 1);
  };

  const logRefusals = (address: string, count: number): void => {
    deps.logger.warn(
      { address, refused: count, maxConnectionsPerAddress: deps.maxPerAddress, totalRefused: refused },
      `connections from ${address} refused: ${deps.maxPerAddress} already open (--max-connections-per-address; add a proxy to --trusted-proxies)`,
    );
  };

  const noteRefusal = (address: string): void => {
    refused++;
    const nowMs = deps.clock.nowMs();
    const own = refusalLog.get(address);
    if (own !== undefined && nowMs - own.loggedAtMs < REFUSAL_LOG_INTERVAL_MS) {
      own.unlogged++;
      return;
    }
    refusalLog.delete(address);
    refusalLog.set(address, { loggedAtMs: nowMs, unlogged: 0 });
    logRefusals(address, (own?.unlogged ?? 0) + 1);
    for (const [oldAddress, state] of refusalLog) {
      if (nowMs - state.loggedAtMs < REFUSAL_LOG_INTERVAL_MS) break;
      refusalLog.delete(oldAddress);
      // Its minute is over: the refusals held back since its last line are reported now.
      if (state.unlogged > 0) logRefusals(oldAddress, state.unlogged);
    }
  };

  return {
    admit(socket) {
      const address = socket.remoteAddress;
      // No address: the peer is already gone, and Node will find the socket closed.
      if (address === undefined || deps.isExempt(address)) return true;
      const count = openByAddress.get(address) ?? 0;
      if (count >= deps.maxPerAddress) {
        socket.destroy();
        noteRefusal(address);
        return false;
      }
      openByAddress.set(address, count + 1);
      socket.once('close', () => release(address));
      return true;
    },
    openCount: (address) => openByAddress.get(address) ?? 0,
    refusedCount: () => refused,
  };
}

/**
 * Puts the limiter in front of the server's own 'connection' listeners (the TLS wrapper of node:https,
 * the HTTP parser of node:http): a refused socket never reaches them, so it costs no handshake.
 * Call it right after creating the server, before anything else listens for 'connection'.
 */
export function limitConnectionsPerAddress(server: NetServer, limiter: ConnectionLimiter): void {
  const serverListeners = server.listeners('connection');
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (!limiter.admit(socket)) return;
    for (const listener of serverListeners) Reflect.apply(listener, server, [socket]);
  });
}
