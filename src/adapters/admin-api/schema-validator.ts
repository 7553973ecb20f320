// Validates admin API requests against the routes' TypeBox schemas (the same library the console checks
// answers with). Query strings and path parameters arrive as text: numbers and booleans are read from
// strictly written text only (`10`, not `1e1` or ` 10`), and an empty parameter counts as absent. Bodies
// are never coerced: `"5"` is not a number there. Violations become one OpenTpsError (validation-message.ts).

import { KindGuard, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifySchemaCompiler } from 'fastify';
import { invalidRequestError, type RequestPart } from './validation-message.js';

const INTEGER_TEXT = /^-?\d{1,15}$/;
const NUMBER_TEXT = /^-?\d{1,15}(\.\d{1,15})?$/;

/** A query string or path parameter text as the value its schema wants, when the text is one. */
function coerceText(schema: TSchema | undefined, text: string): unknown {
  if (schema === undefined) return text;
  if (KindGuard.IsInteger(schema)) return INTEGER_TEXT.test(text) ? Number(text) : text;
  if (KindGuard.IsNumber(schema)) return NUMBER_TEXT.test(text) ? Number(text) : text;
  if (KindGuard.IsBoolean(schema)) return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

function coerceParameters(schema: TSchema, input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !KindGuard.IsObject(schema)) return input;
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === '') continue;
    result[name] = typeof value === 'string' ? coerceText(schema.properties[name], value) : value;
  }
  return result;
}

/** The admin API's validator compiler (api.setValidatorCompiler). */
export const compileRequestSchema: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const part = (httpPart ?? 'body') as RequestPart;
  // A raw upload (format binary) is a stream handed to the route untouched; its schema documents it.
  if (part === 'body' && schema.format === 'binary') return () => true;
  const compiled = TypeCompiler.Compile(schema);
  return (input: unknown) => {
    // No body at all reads as an empty object: a route whose fields are all optional needs none.
    const value = part === 'body' ? (input ?? {}) : coerceParameters(schema, input);
    if (compiled.Check(value)) return { value };
    return { error: invalidRequestError(schema, part, compiled.Errors(value).First()) };
  };
};
