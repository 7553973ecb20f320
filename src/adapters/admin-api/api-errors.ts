// Admin API error answers: `{"error":CODE,"message":...}` with the catalogue status; 5xx never leak internals.

import type { FastifyReply } from 'fastify';
import { ERROR_CATALOGUE, OpenTpsError, type ErrorCode } from '../../errors.js';

export function sendApiError(reply: FastifyReply, code: ErrorCode, message?: string, headers: Record<string, string> = {}): FastifyReply {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.code(ERROR_CATALOGUE[code].status).type('application/json').send({ error: code, message: message ?? ERROR_CATALOGUE[code].message });
}

/** Maps a thrown error to a catalogue code and a message that is safe to show. */
export function apiErrorOf(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof OpenTpsError && error.status < 500) return { code: error.code, message: error.message };
  // The store could not read or write (a full disk, a lost database): retryable, and said as such.
  if (error instanceof OpenTpsError && error.code === 'ERR_STORE_FAILED') return { code: 'ERR_STORE_UNAVAILABLE', message: ERROR_CATALOGUE.ERR_STORE_UNAVAILABLE.message };
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
  if (status === 413) return { code: 'ERR_REQUEST_TOO_LARGE', message: ERROR_CATALOGUE.ERR_REQUEST_TOO_LARGE.message };
  if (status >= 400 && status < 500) return { code: 'ERR_API_INVALID', message: ERROR_CATALOGUE.ERR_API_INVALID.message };
  return { code: 'ERR_INTERNAL', message: ERROR_CATALOGUE.ERR_INTERNAL.message };
}

/** A body or query value of the wrong type. */
export function invalid(detail: string): OpenTpsError {
  return new OpenTpsError('ERR_API_INVALID', detail);
}
