// What a virtual CWM does with a message addressed to itself (not to an OKE): answers `_ping`, and
// takes the Port command `{"oke":{"port","baud"}}` (PROTOCOL.md A5), reporting the new setting in its
// next heartbeat. Anything else is acknowledged and flagged as unknown.

import { isJsonObject } from '../protocol/upstream-okm.js';

/** The OKE ports a CWM accepts in an `oke` port command (PROTOCOL.md A5). */
export const VALID_OKE_PORTS = ['usb', 'ttl', '232', '485'] as const;

export interface OwnCommandResult {
  /** The `_pld` of the answer. */
  readonly payload: Record<string, unknown>;
  readonly isKnown: boolean;
}

export class CwmOwnCommands {
  private port = 'usb';
  private baud = 115_200;

  get portSetting(): { port: string; baud: number } {
    return { port: this.port, baud: this.baud };
  }

  execute(payload: Record<string, unknown>): OwnCommandResult {
    if (payload['_ping'] !== undefined) return { payload: { _ping: true }, isKnown: true };
    const portCommand = payload['oke'];
    if (isJsonObject(portCommand)) {
      const port = String(portCommand['port']);
      const baud = Number(portCommand['baud']);
      if ((VALID_OKE_PORTS as readonly string[]).includes(port) && Number.isInteger(baud) && baud > 0) {
        this.port = port;
        this.baud = baud;
        return { payload: { oke: { port, baud }, ok: true }, isKnown: true };
      }
      return { payload: { oke: portCommand, ok: false, error: 'invalid port or baud' }, isKnown: true };
    }
    return { payload: { ack: true, unknown: Object.keys(payload) }, isKnown: false };
  }
}
