// The parts of /api/v1/openapi.json that are not routes: title, base path, and how to authenticate.
// @fastify/swagger writes the paths from each route's schemas (schemas/), so nothing is described twice.

import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';

export const OPENAPI_OPTIONS: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: { title: 'OpenTPS admin API', version: '1', description: 'docs/api.md in prose; errors are listed in docs/errors.md.' },
    // Paths are written without it (stripBasePath).
    servers: [{ url: '/api/v1' }],
    security: [{ session: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'opentps_session', description: 'State changes also need the x-csrf-token header.' },
        bearer: { type: 'http', scheme: 'bearer', description: 'Tokens from `opentps token create`.' },
      },
    },
  },
};
