// Turns the first schema violation of a request into the one error the admin API answers with: a named
// code (ERR_API_INVALID, or the code a field's schema, or the whole body's, names with `x-error-code`) and a message naming the
// field and what it must be, written from the schema itself (`"limit" must be a whole number from 1 to 1000`).

import { KindGuard, type TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { isErrorCode, OpenTpsError, type ErrorCode } from '../../errors.js';

export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/** `/payload/cmd/0` -> `payload.cmd[0]` (JSON pointer escapes undone). */
function fieldNameOf(path: string): string {
  const segments = path.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segments.map((segment, index) => (/^\d+$/.test(segment) && index > 0 ? `[${segment}]` : index > 0 ? `.${segment}` : segment)).join('');
}

function rangeOf(schema: TSchema, unit: string): string {
  const min = schema['minimum'] as number | undefined;
  const max = schema['maximum'] as number | undefined;
  if (min !== undefined && max !== undefined) return `${unit} from ${min} to ${max}`;
  if (min !== undefined) return `${unit} of at least ${min}`;
  if (max !== undefined) return `${unit} of at most ${max}`;
  return unit;
}

/** What a value of `schema` is, as a noun phrase: `one of asc, desc`, `an ISO-8601 time`, `a string or null`. */
export function describeExpected(schema: TSchema): string {
  if (KindGuard.IsInteger(schema)) return rangeOf(schema, 'a whole number');
  if (KindGuard.IsNumber(schema)) return rangeOf(schema, 'a number');
  if (KindGuard.IsBoolean(schema)) return 'true or false';
  if (KindGuard.IsNull(schema)) return 'null';
  if (KindGuard.IsLiteral(schema)) return JSON.stringify(schema.const);
  if (KindGuard.IsString(schema)) {
    if (schema.format === 'date-time') return 'an ISO-8601 time';
    if (schema.pattern !== undefined) return schema.description ?? `a string matching ${schema.pattern}`;
    return schema.minLength !== undefined && schema.minLength > 0 ? 'a non-empty string' : 'a string';
  }
  if (KindGuard.IsUnion(schema)) {
    const choices = schema.anyOf;
    if (choices.every((choice) => KindGuard.IsLiteral(choice))) return `one of ${choices.map((choice) => String(choice.const)).join(', ')}`;
    return choices.map(describeExpected).join(' or ');
  }
  if (KindGuard.IsArray(schema)) {
    const items = KindGuard.IsString(schema.items) && schema.items.pattern === undefined ? 'strings' : `items each ${describeExpected(schema.items)}`;
    return `${schema.minItems !== undefined && schema.minItems > 0 ? 'a non-empty array' : 'an array'} of ${items}`;
  }
  if (KindGuard.IsObject(schema) || KindGuard.IsRecord(schema)) return 'a JSON object';
  return 'a valid value';
}

/** The code for a violation: the one named by the top-level field's schema, else ERR_API_INVALID. */
function codeOf(root: TSchema, path: string): ErrorCode {
  const field = path.split('/')[1];
  const properties: Record<string, TSchema> | undefined = KindGuard.IsObject(root) ? root.properties : undefined;
  const declared = field === undefined ? undefined : properties?.[field]?.['x-error-code'];
  if (typeof declared === 'string' && isErrorCode(declared)) return declared;
  // A whole body may name its code too (an alert rule: ERR_ALERT_RULE_INVALID wherever it breaks).
  const whole: unknown = root['x-error-code'];
  return typeof whole === 'string' && isErrorCode(whole) ? whole : 'ERR_API_INVALID';
}

const PART_NAMES: Record<RequestPart, string> = { body: 'the body', querystring: 'the query string', params: 'the path', headers: 'the headers' };

/** The OpenTpsError answering a request whose `part` breaks its schema `root` with `error` (the first violation). */
export function invalidRequestError(root: TSchema, part: RequestPart, error: ValueError | undefined): OpenTpsError {
  if (error === undefined) return new OpenTpsError('ERR_API_INVALID', `${PART_NAMES[part]} is invalid`);
  const code = codeOf(root, error.path);
  if (error.path === '') return new OpenTpsError(code, `${PART_NAMES[part]} must be ${describeExpected(root)}`);
  const name = `"${fieldNameOf(error.path)}"`;
  if (error.type === ValueErrorType.ObjectRequiredProperty) return new OpenTpsError(code, `${name} is required (${describeExpected(error.schema)})`);
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return new OpenTpsError(code, `${name} is not a field of ${PART_NAMES[part]}`);
  return new OpenTpsError(code, `${name} must be ${describeExpected(error.schema)}`);
}
