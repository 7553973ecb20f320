// GET /api/v1/endpoint-check?value=...: the console's live check of a CWM endpoint value (same rule as
// `opentps endpoint check`, src/protocol/endpoint-name.ts).

import { checkEndpointName, type EndpointProblem } from '../../protocol/endpoint-name.js';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses } from './schemas/common-schemas.js';
import { ENDPOINT_PROBLEM_VALUES, EndpointCheckQuery, EndpointCheckSchema } from './schemas/endpoint-schemas.js';
import type { SameType } from './schema-parity.js';

const problemsMatch: SameType<(typeof ENDPOINT_PROBLEM_VALUES)[number], EndpointProblem> = true;
void problemsMatch;

export function registerEndpointRoutes(api: AdminApi): void {
  const schema = { summary: 'Check a CWM endpoint value', querystring: EndpointCheckQuery, response: { 200: EndpointCheckSchema, ...errorResponses(400) } };
  api.get('/endpoint-check', { schema }, async (request) => checkEndpointName(request.query.value ?? ''));
}
