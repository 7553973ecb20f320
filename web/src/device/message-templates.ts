// Builds the common commands of the send panel; the shapes follow PROTOCOL.md (ping, OKE port, relay).
import type { NewMessage } from '../api-model.js';

export const OKE_PORTS = ['usb', 'ttl', '232', '485'] as const;
export type OkePort = (typeof OKE_PORTS)[number];

export const OKE_PORT_LABELS: Readonly<Record<OkePort, string>> = { usb: 'USB', ttl: 'TTL', '232': 'RS-232', '485': 'RS-485' };

/** The bauds a CWM tries in serial discovery (PROTOCOL.md), so the ones an OKE can be set to. */
export const OKE_BAUDS = [9600, 19200, 38400, 57600, 115200, 230400] as const;

/** `_dst` lists the OKE first and the CWM last; a message to the CWM itself names only the CWM. */
export function destinationFor(targetId: string, cwmId: string): string[] {
  return targetId === cwmId ? [cwmId] : [targetId, cwmId];
}

/** A server ping, `{"_ping":true}` read from an OKE or from the CWM. */
export function pingMessage(targetId: string, cwmId: string): NewMessage {
  return { destination: destinationFor(targetId, cwmId), cmd: 'rd', payload: { _ping: true } };
}

/** Sets the serial port and baud the CWM uses to talk to its OKE; addressed to the CWM. */
export function okePortMessage(cwmId: string, port: OkePort, baud: number): NewMessage {
  return { destination: [cwmId], cmd: 'wr', payload: { oke: { port, baud } } };
}

/** Switches the relay of one OKE. */
export function relayMessage(okeId: string, cwmId: string, isOn: boolean): NewMessage {
  return { destination: destinationFor(okeId, cwmId), cmd: 'wr', payload: { cmd: { relay: isOn ? 1 : 0 } } };
}
