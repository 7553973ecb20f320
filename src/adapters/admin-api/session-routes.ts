// POST/GET/DELETE /api/v1/session: log in, who am I, log out.

import type { AuditLog } from '../../domain/audit-log.js';
import { SESSION_LIFETIME_MS, type OperatorAuth } from '../../domain/operator-auth.js';
import { isOpenTpsError } from '../../errors.js';
import { SESSION_COOKIE, clearedSessionCookie, readCookie, sessionCookie } from './admin-auth.js';
import { sendApiError } from './api-errors.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses, NoContent } from './schemas/common-schemas.js';
import { CurrentSessionSchema, LoginBody, SessionSchema } from './schemas/session-schemas.js';

export function registerSessionRoutes(api: AdminApi, deps: { auth: OperatorAuth; audit: AuditLog }): void {
  api.post('/session', { schema: { summary: 'Log in; sets the session cookie', security: [], body: LoginBody, response: { 200: SessionSchema, ...errorResponses(400, 429) } } }, async (request, reply) => {
    const name = request.body.name ?? '';
    const password = request.body.password ?? '';
    try {
      const session = await deps.auth.login(name, password, request.ip);
      await deps.audit.record(session.operatorName, 'session.login', null, { address: request.ip });
      reply.header('set-cookie', sessionCookie(session.sessionId, Math.floor(SESSION_LIFETIME_MS / 1000)));
      return { operator: { name: session.operatorName }, csrfToken: session.csrfToken };
    } catch (error) {
      if (isOpenTpsError(error, 'ERR_LOGIN_RATE_LIMITED')) {
        return sendApiError(reply, 'ERR_LOGIN_RATE_LIMITED', undefined, { 'retry-after': String(error.details?.['retryAfterS'] ?? 1) });
      }
      if (isOpenTpsError(error, 'ERR_LOGIN_FAILED')) await deps.audit.record(name.slice(0, 64) || '-', 'session.login-failed', null, { address: request.ip });
      throw error;
    }
  });

  api.get('/session', { schema: { summary: 'The operator of this session and its CSRF token', response: { 200: CurrentSessionSchema, ...errorResponses() } } }, async (request) => {
    const sessionId = readCookie(request, SESSION_COOKIE);
    const session = sessionId ? await deps.auth.resolveSession(sessionId) : null;
    return { operator: { name: request.operatorName }, csrfToken: session?.csrfToken ?? null };
  });

  api.delete('/session', { schema: { summary: 'Log out', response: { 204: NoContent, ...errorResponses(403) } } }, async (request, reply) => {
    const sessionId = readCookie(request, SESSION_COOKIE);
    if (sessionId) await deps.auth.logout(sessionId);
    await deps.audit.record(request.operatorName ?? '-', 'session.logout', null);
    return reply.header('set-cookie', clearedSessionCookie()).code(204).send(null);
  });
}
