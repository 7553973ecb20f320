// Operator authentication: scrypt password hashes, browser sessions (random id in an HttpOnly cookie,
// only its SHA-256 stored) with a CSRF token each, API tokens for scripts; failed logins back off (login-throttle.ts).

import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { OpenTpsError } from '../errors.js';
import type { Clock } from './clock.js';
import { createLoginThrottle } from './login-throttle.js';
import type { OperatorRecord, OperatorStore } from './operator-store.js';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** scrypt cost: N=2^15, r=8 (OWASP's recommended minimum for scrypt), 64-byte key. */
const SCRYPT = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 64;
const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

export const SESSION_LIFETIME_MS = 12 * 3600 * 1000;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function validatePassword(password: string): void {
  if (password.length < 12 || password.length > 1024) throw new OpenTpsError('ERR_PASSWORD_WEAK', 'use 12 to 1024 characters');
}

export interface OperatorSession {
  readonly operatorName: string;
  readonly csrfToken: string;
}

export interface LoginResult extends OperatorSession {
  /** The cookie value; only its hash is stored. */
  readonly sessionId: string;
  readonly expiresAtMs: number;
}

export interface OperatorAuth {
  /** @throws OpenTpsError ERR_OPERATOR_NAME_INVALID, ERR_PASSWORD_WEAK, ERR_OPERATOR_EXISTS */
  addOperator(name: string, password: string): Promise<void>;
  /** @throws OpenTpsError ERR_LOGIN_FAILED, ERR_LOGIN_RATE_LIMITED */
  login(name: string, password: string, remoteAddress: string): Promise<LoginResult>;
  resolveSession(sessionId: string): Promise<OperatorSession | null>;
  logout(sessionId: string): Promise<void>;
  createApiToken(operatorName: string, label: string | null): Promise<string>;
  resolveApiToken(token: string): Promise<string | null>;
}

export function createOperatorAuth(deps: { store: OperatorStore; clock: Clock }): OperatorAuth {
  const throttle = createLoginThrottle({ clock: deps.clock });

  return {
    async addOperator(name, password) {
      if (!NAME.test(name)) throw new OpenTpsError('ERR_OPERATOR_NAME_INVALID');
      validatePassword(password);
      await deps.store.addOperator(name, await hashPassword(password), deps.clock.nowMs());
    },
    async login(name, password, remoteAddress) {
      const admission = throttle.admit(name, remoteAddress);
      if (!admission.isAllowed) throw new OpenTpsError('ERR_LOGIN_RATE_LIMITED', undefined, { details: { retryAfterS: admission.retryAfterS } });
      const { attempt } = admission;
      let operator: OperatorRecord | null;
      let isValid: boolean;
      try {
        operator = NAME.test(name) ? await deps.store.findOperator(name) : null;
        // Verify against a dummy hash for unknown names too, so timing does not tell which names exist.
        isValid = await verifyPassword(password, operator?.passwordHash ?? DUMMY_HASH);
      } catch (error) {
        attempt.abandoned();
        throw error;
      }
      if (!operator || operator.isDisabled || !isValid) {
        attempt.failed();
        throw new OpenTpsError('ERR_LOGIN_FAILED');
      }
      attempt.succeeded();
      const nowMs = deps.clock.nowMs();
      const sessionId = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAtMs = nowMs + SESSION_LIFETIME_MS;
      await deps.store.createSession(sha256Hex(sessionId), operator.name, csrfToken, nowMs, expiresAtMs);
      return { sessionId, csrfToken, operatorName: operator.name, expiresAtMs };
    },
    async resolveSession(sessionId) {
      const session = await deps.store.findSession(sha256Hex(sessionId), deps.clock.nowMs());
      return session ? { operatorName: session.operatorName, csrfToken: session.csrfToken } : null;
    },
    async logout(sessionId) {
      await deps.store.deleteSession(sha256Hex(sessionId));
    },
    async createApiToken(operatorName, label) {
      const token = `otps_${randomBytes(32).toString('base64url')}`;
      await deps.store.createApiToken(sha256Hex(token), operatorName, label, deps.clock.nowMs());
      return token;
    },
    async resolveApiToken(token) {
      if (!token.startsWith('otps_')) return null;
      return (await deps.store.findApiToken(sha256Hex(token)))?.operatorName ?? null;
    },
  };
}

/** A valid hash of a random password, verified against when the name is unknown. */
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${randomBytes(16).toString('base64url')}$${randomBytes(KEY_BYTES).toString('base64url')}`;
