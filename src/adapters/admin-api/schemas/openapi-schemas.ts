// GET /api/v1/openapi.json: this API's OpenAPI 3.1 document, generated from the other schema files.

import { Type } from '@sinclair/typebox';

// Open: the document has members of its own, all of which must be served.
export const OpenApiDocumentSchema = Type.Object(
  { openapi: Type.String(), info: Type.Object({ title: Type.String(), version: Type.String() }, { additionalProperties: true }), paths: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: true, description: 'OpenAPI 3.1' },
);
