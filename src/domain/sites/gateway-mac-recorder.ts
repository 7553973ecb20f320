// Records the gateway MAC (`gwmac`) CWMs send (PROTOCOL.md: "The TPS should accept and store an extra
// `gwmac` query parameter (where it sits exactly is [U])"), which places a CWM at the site that has the MAC.
// A CWM sends the same MAC with every request: the store is written only when a CWM's MAC differs from the
// last one this node recorded for it, and never awaited by the device's request.

import type { ReportBackgroundFailure } from '../background-failure.js';
import type { Clock } from '../clock.js';
import type { SiteStore } from './site-store.js';
import { normalizeGatewayMac } from './gateway-mac.js';

/** CWMs remembered at most; past it the memory starts over (ids are chosen by whoever sends requests). */
const MAX_REMEMBERED = 200_000;
/** Longer raw values are cut before they are stored: a MAC is 17 characters. */
export const MAX_GATEWAY_MAC_CHARS = 64;

export interface GatewayMacRecorder {
  /** Notes the raw `gwmac` a request of CWM `deviceId` carried (already authenticated, or let in by `open` mode). */
  note(deviceId: string, raw: string): void;
  /** Waits for the writes started so far (tests, shutdown). */
  settle(): Promise<void>;
}

export function createGatewayMacRecorder(deps: { store: Pick<SiteStore, 'recordGatewayMac'>; clock: Clock; reportFailure: ReportBackgroundFailure }): GatewayMacRecorder {
  const lastRecorded = new Map<string, string>();
  const pending = new Set<Promise<void>>();
  return {
    note(deviceId, rawText) {
      const raw = rawText.slice(0, MAX_GATEWAY_MAC_CHARS);
      if (lastRecorded.get(deviceId) === raw) return;
      if (lastRecorded.size >= MAX_REMEMBERED) lastRecorded.clear();
      lastRecorded.set(deviceId, raw);
      const write = deps.store
        .recordGatewayMac(deviceId, raw, normalizeGatewayMac(raw), deps.clock.nowMs())
        .catch((error: unknown) => {
          // Forgotten, so the CWM's next request tries again.
          if (lastRecorded.get(deviceId) === raw) lastRecorded.delete(deviceId);
          deps.reportFailure({ task: 'gateway-mac-record', level: 'warn', error, context: { deviceId } });
        })
        .finally(() => pending.delete(write));
      pending.add(write);
    },
    async settle() {
      await Promise.all([...pending]);
    },
  };
}
