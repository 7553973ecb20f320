// The OpenAPI 3.1 description of the admin API, served at /api/v1/openapi.json (docs/api.md in prose).

const error = { $ref: '#/components/responses/Error' };
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const NAME_PARAM = { name: 'name', in: 'path', required: true, schema: { type: 'string' }, description: 'file name' };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'CWM id' };

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'OpenTPS admin API', version: '1' },
  servers: [{ url: '/api/v1' }],
  security: [{ session: [] }, { bearer: [] }],
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'opentps_session', description: 'State changes also need the x-csrf-token header.' },
      bearer: { type: 'http', scheme: 'bearer', description: 'Tokens from `opentps token create`.' },
    },
    responses: {
      Error: {
        description: 'An error from docs/errors.md',
        content: { 'application/json': { schema: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } } } },
      },
    },
  },
  paths: {
    '/session': {
      post: { summary: 'Log in', security: [], requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['name', 'password'], properties: { name: { type: 'string' }, password: { type: 'string' } } } } } }, responses: { 200: ok('Logged in; sets the session cookie'), 401: error, 429: error } },
      get: { summary: 'The operator of this session', responses: { 200: ok('Operator and CSRF token'), 401: error } },
      delete: { summary: 'Log out', responses: { 204: { description: 'Logged out' } } },
    },
    '/fleet': { get: { summary: 'Fleet counts, pushes per minute, the worst devices of each problem (at most 10) and how many have each', responses: { 200: ok('{counts, pushesPerMinute, problems, problemTotals}') } } },
    '/fleet/okms-per-minute': { get: { summary: "The fleet's stored OKMs per minute (rollups; at most 31 days)", parameters: ['from', 'to'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })), responses: { 200: ok('{minutes}'), 400: error } } },
    '/series': { get: { summary: 'One heartbeat field over a set of devices (comma-separated ids, at most 5000), from rollups: min, max, avg, sum of device means', parameters: ['field', 'devices', 'from', 'to', 'points'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })), responses: { 200: ok('{source, points}'), 400: error } } },
    '/devices': {
      get: {
        summary: 'List CWMs',
        parameters: ['search', 'status', 'sort', 'order', 'limit', 'offset'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
        responses: { 200: ok('{items, total}'), 400: error },
      },
      post: { summary: 'Register a CWM', responses: { 201: ok('{device, key}'), 400: error, 409: error } },
    },
    '/devices/{id}': {
      get: { summary: 'One CWM with its OKE states and diagnostics', parameters: [idParam], responses: { 200: ok('Device details'), 404: error } },
      patch: { summary: 'Rename, disable or set the time zone', parameters: [idParam], responses: { 200: ok('Device'), 400: error, 404: error } },
    },
    '/devices/{id}/rotate-key': { post: { summary: 'Set a new provisioning key', parameters: [idParam], responses: { 200: ok('{key}'), 404: error } } },
    '/devices/{id}/fields': { get: { summary: 'Numeric heartbeat fields per origin device', parameters: [idParam], responses: { 200: ok('{origins}') } } },
    '/devices/{id}/telemetry': { get: { summary: 'Downsampled series of one field: raw OKMs up to 6 h, else minute or hour rollups (see source)', parameters: [idParam, ...['origin', 'field', 'from', 'to', 'points'].map((name) => ({ name, in: 'query', schema: { type: 'string' } }))], responses: { 200: ok('{points}'), 400: error } } },
    '/devices/{id}/okms': { get: { summary: 'Raw OKMs of a time range as CSV or NDJSON', parameters: [idParam, ...['from', 'to', 'format'].map((name) => ({ name, in: 'query', schema: { type: 'string' } }))], responses: { 200: { description: 'text/csv or application/x-ndjson' } } } },
    '/devices/{id}/messages': {
      get: { summary: 'Messages of a CWM, newest first', parameters: [idParam], responses: { 200: ok('{items}') } },
      post: { summary: 'Queue a message', parameters: [idParam], responses: { 201: ok('Message'), 400: error, 404: error, 409: error } },
    },
    '/messages/{messageId}': {
      get: { summary: 'A message; with waitForChangeFrom, a long poll', parameters: [{ name: 'messageId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: ok('Message'), 404: error } },
      delete: { summary: 'Cancel a message', parameters: [{ name: 'messageId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: ok('Message'), 404: error, 409: error } },
    },
    '/traffic': { get: { summary: 'Recorded device requests', parameters: ['device', 'limit'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })), responses: { 200: ok('{items}') } } },
    '/files': {
      get: { summary: 'Stored files with size, MD5, SHA-256 and CRC-16', responses: { 200: ok('{items, maxFileBytes}') } },
      post: {
        summary: 'Upload a file (raw body, streamed; --max-file-bytes)',
        parameters: [{ name: 'name', in: 'query', required: true, schema: { type: 'string' } }, { name: 'replace', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } }],
        requestBody: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: { 201: ok('File'), 400: error, 409: error, 413: error },
      },
    },
    '/files/{name}': {
      get: { summary: 'One stored file', parameters: [NAME_PARAM], responses: { 200: ok('File'), 404: error } },
      delete: { summary: 'Delete a file (and its download rows)', parameters: [NAME_PARAM], responses: { 200: ok('File'), 404: error } },
    },
    '/files/{name}/transfers': { get: { summary: 'Download progress of a file per device, and its latest requests', parameters: [NAME_PARAM, { name: 'limit', in: 'query', schema: { type: 'integer' } }], responses: { 200: ok('{file, items, requests}'), 404: error } } },
    '/devices/{id}/transfers': { get: { summary: 'Download progress of a device per file', parameters: [idParam], responses: { 200: ok('{items}') } } },
    '/events': { get: { summary: 'Server-Sent Events: device-seen, telemetry, message-state', responses: { 200: { description: 'text/event-stream' } } } },
    '/ca': {
      get: { summary: 'The private CA: root, server certificate in use, client certificates, client-auth mode', responses: { 200: ok('CA status') } },
      post: { summary: 'Create the CA (name, algorithm rsa-2048|ecdsa-p256)', responses: { 201: ok('Root'), 400: error, 409: error } },
    },
    '/ca/server-certificates': { post: { summary: 'Issue the server certificate for {names}', responses: { 201: ok('Certificate'), 400: error, 409: error } } },
    '/ca/client-certificates': { post: { summary: 'Issue a client provisioning certificate for {label}', responses: { 201: ok('{certificate, certPem}'), 400: error, 409: error } } },
    '/ca/certificates': { get: { summary: 'Every issued certificate, newest first', responses: { 200: ok('{items}'), 409: error } } },
    '/ca/certificates/{serial}/revoke': { post: { summary: 'Revoke a certificate (refused from the next request)', parameters: [{ name: 'serial', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('Certificate'), 404: error, 409: error } } },
    '/ca/export': { get: { summary: 'The files a CWM needs, with their sizes', parameters: [{ name: 'label', in: 'query', schema: { type: 'string' } }], responses: { 200: ok('{files}'), 404: error, 409: error } } },
    '/ca/export/{name}': { get: { summary: 'Download one export file (PEM or README.txt)', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }, { name: 'label', in: 'query', schema: { type: 'string' } }], responses: { 200: { description: 'application/x-pem-file' }, 404: error } } },
    '/endpoint-check': { get: { summary: 'Check a CWM endpoint value', parameters: [{ name: 'value', in: 'query', schema: { type: 'string' } }], responses: { 200: ok('{isValid, kind | problem, reason, suggestion}') } } },
    '/openapi.json': { get: { summary: 'This document', responses: { 200: ok('OpenAPI 3.1') } } },
    '/health': { get: { summary: 'Whether this node can store (as /healthz decides, with the reason and since when) and free disk space against --min-free-disk-mb', responses: { 200: ok('{status, store, disk}') } } },
  },
} as const;
