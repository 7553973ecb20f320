// GET /api/v1/endpoint-check: the console's live check of a CWM endpoint value (docs/api.md).

import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common-schemas.js';

export const ENDPOINT_PROBLEM_VALUES = [
  'empty', 'has-scheme', 'has-path', 'has-query', 'has-fragment', 'has-credentials', 'has-port', 'has-whitespace', 'too-long',
  'bad-characters', 'bad-label', 'bad-ip',
] as const;

export const EndpointCheckQuery = Type.Object({ value: Type.Optional(Type.String({ description: 'what the operator typed' })) });

export const EndpointCheckSchema = Type.Union([
  Type.Object({ isValid: Type.Literal(true), value: Type.String(), kind: StringEnum(['dns', 'ipv4', 'ipv6'] as const) }),
  Type.Object({ isValid: Type.Literal(false), problem: StringEnum(ENDPOINT_PROBLEM_VALUES), reason: Type.String(), suggestion: Nullable(Type.String()) }),
]);
