// /api/v1/session: log in, who am I, log out (docs/api.md "Authentication").

import { Type } from '@sinclair/typebox';
import { Nullable } from './common-schemas.js';

/** Both optional: a missing one is a failed login (401 ERR_LOGIN_FAILED), audited like any other. */
export const LoginBody = Type.Object({ name: Type.Optional(Type.String()), password: Type.Optional(Type.String()) }, { additionalProperties: false });

export const SessionSchema = Type.Object({
  operator: Type.Object({ name: Type.String() }),
  csrfToken: Type.String({ description: 'send it as x-csrf-token with every POST, PATCH and DELETE' }),
});

/** GET /session: a token-authenticated script has a name but no session, hence no CSRF token. */
export const CurrentSessionSchema = Type.Object({
  operator: Type.Object({ name: Nullable(Type.String()) }),
  csrfToken: Nullable(Type.String()),
});
