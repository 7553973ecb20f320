// The building blocks every admin API schema uses: the error answer, ISO times, nullable values, string
// enums. Imports only TypeBox: the browser console imports these files too (web/src/api-client.ts).

import { FormatRegistry, Type, type SchemaOptions, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

// TypeBox's Value.Check refuses a string with a format it does not know, so the console (which checks every
// answer) and the server agree on this one here, where the schemas that use it are defined.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));

/** `{"error":CODE,"message":...}` with the status of docs/errors.md: every refusal of every route. */
export const ApiErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'a code of docs/errors.md, e.g. ERR_API_INVALID' }),
    message: Type.String({ description: 'what was wrong, naming the field when one was' }),
  },
  { description: 'An error of docs/errors.md' },
);

/** An ISO-8601 UTC time as the API writes it (`2026-11-24T12:00:00.000Z`). */
export const IsoTime = (options: SchemaOptions = {}) => Type.String({ format: 'date-time', ...options });

/** `schema` or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A string that is one of `values`; an enum in the OpenAPI document and a union of literals in TypeScript. */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map((value: T[number]) => Type.Literal(value)), options);
}

/** A JSON object whose members the API passes through as they are (heartbeat fields, a message payload). */
export const JsonObject = (options: SchemaOptions = {}) => Type.Record(Type.String(), Type.Unknown(), options);

/** The error answers of a route by status: the statuses the route can refuse with, and those every route can. */
export function errorResponses(...statuses: number[]): Record<number, typeof ApiErrorSchema> {
  // 401: no session or token (admin-auth.ts); 500 and 503: a failure or the store not answering.
  return Object.fromEntries([401, ...statuses, 500, 503].map((status) => [status, ApiErrorSchema]));
}

/** An empty answer (204). */
export const NoContent = Type.Null({ description: 'no body' });
