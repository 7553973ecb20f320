// Writes device answers: JSON bodies as exact strings, and errors as the catalogue says, with
// Retry-After on 503 and Allow on 405. A 5xx never carries internals.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, OpenTpsError, type ErrorCode } from '../../errors.js';
import { encodeDeviceError } from '../../protocol/device-answers.js';

export function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(body);
}

export function sendDeviceError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  extraHeaders: Record<string, string> = {},
  reason?: string,
): FastifyReply {
  request.answeredErrorCode = code;
  for (const [name, value] of Object.entries(extraHeaders)) reply.header(name, value);
  return sendJson(reply, ERROR_CATALOGUE[code].status, encodeDeviceError(code, reason));
}

/** Maps anything thrown while handling a device request to a catalogue code. */
export function errorCodeOf(error: unknown): ErrorCode {
  // A store failure is retryable for the device (it was not acknowledged) and its details stay in the log.
  if (error instanceof OpenTpsError) return error.code === 'ERR_STORE_FAILED' ? 'ERR_STORE_UNAVAILABLE' : error.code;
  const status = typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
  if (status === 413) return 'ERR_REQUEST_TOO_LARGE';
  if (status === 503) return 'ERR_OVERLOADED';
  if (status >= 400 && status < 500) return 'ERR_REQUEST_INVALID';
  return 'ERR_INTERNAL';
}
