// The CWM's diagnostics members read for display. The server passes them on as the CWM sent them
// (PROTOCOL.md Part B 5), so a member of an unexpected type shows as absent rather than breaking the page.
import type { Diagnostics } from '../api-model.js';

export interface CwmDiagnostics {
  readonly diag: readonly number[];
  readonly port: string | null;
  readonly baud: number | null;
  readonly iface: string | null;
  readonly supply5vMv: number | null;
  readonly supply12vMv: number | null;
  readonly internalTemperatureC: number | null;
  readonly queueCapacities: readonly number[];
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
}

export function readCwmDiagnostics(diagnostics: Diagnostics): CwmDiagnostics {
  const port = diagnostics.port;
  return {
    diag: numbers(diagnostics.diag),
    port: typeof port === 'string' || typeof port === 'number' ? String(port) : null,
    baud: numberOrNull(diagnostics.baud),
    iface: typeof diagnostics.if === 'string' ? diagnostics.if : null,
    supply5vMv: numberOrNull(diagnostics['5v']),
    supply12vMv: numberOrNull(diagnostics['12v']),
    internalTemperatureC: numberOrNull(diagnostics.ti),
    queueCapacities: numbers(diagnostics.msf),
  };
}
