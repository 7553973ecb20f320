// An answer of the server that does not match its schema: the console refuses it whole, naming where.
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** The server answered with JSON the console does not understand (a contract mismatch). */
export class ApiShapeError extends Error {
  constructor(what: string, path: string, problem: string) {
    super(`${what}${path}: ${problem}`);
    this.name = 'ApiShapeError';
  }
}

/**
 * `value` as the schema's type, checked with Value.Check (no eval: the console's CSP forbids it).
 * @throws ApiShapeError naming the first member that does not match, e.g. `GET /fleet/counts/total: Expected number`
 */
export function checkAnswer<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  if (Value.Check(schema, value)) return value;
  const first = Value.Errors(schema, value).First();
  throw new ApiShapeError(what, first?.path ?? '', first?.message ?? 'does not match');
}
