// Who is calling the admin API: a browser session (cookie + CSRF header on state changes) or a
// script (Bearer token). Everything but logging in requires one of them.

import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OperatorAuth } from '../../domain/operator-auth.js';
import { sendApiError } from './api-errors.js';

export const SESSION_COOKIE = 'opentps_session';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The operator making an admin API call, once authenticated. */
    operatorName: string | null;
  }
}

export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function isSameSecret(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionCookie(sessionId: string, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${sessionId}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${maxAgeS}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`;
}

/** The onRequest hook of the admin API (login itself is exempt). */
export function createAdminAuthHook(auth: OperatorAuth, isExempt: (request: FastifyRequest) => boolean) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    request.operatorName = null;
    if (isExempt(request)) return undefined;
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      const name = await auth.resolveApiToken(authorization.slice('Bearer '.length).trim());
      if (!name) return sendApiError(reply, 'ERR_AUTH_REQUIRED', 'the API token is unknown or revoked');
      request.operatorName = name;
      return undefined;
    }
    const sessionId = readCookie(request, SESSION_COOKIE);
    const session = sessionId ? await auth.resolveSession(sessionId) : null;
    if (!session) return sendApiError(reply, 'ERR_AUTH_REQUIRED');
    if (STATE_CHANGING.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !isSameSecret(header, session.csrfToken)) return sendApiError(reply, 'ERR_CSRF');
    }
    request.operatorName = session.operatorName;
    return undefined;
  };
}
