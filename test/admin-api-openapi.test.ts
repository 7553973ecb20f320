// /api/v1/openapi.json is generated from the routes' schemas: every registered admin route is in it, with
// its path parameters, query, body and answers (each a real schema, the errors the shared error schema).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDeviceAppHarness, type DeviceAppHarness } from './device-app-harness.js';

const PASSWORD = 'correct horse battery staple';

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
}

interface OpenApiDocument {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
}

/** A schema that says something: not `{}` and not a bare `{type:'object'}`. */
function isDescriptive(schema: Record<string, unknown> | undefined): boolean {
  if (schema === undefined || Object.keys(schema).length === 0) return false;
  if (schema['type'] === 'object') return schema['properties'] !== undefined || schema['patternProperties'] !== undefined || schema['additionalProperties'] !== undefined;
  return true;
}

describe('the OpenAPI document', () => {
  let h: DeviceAppHarness;
  let document: OpenApiDocument;
  before(async () => {
    h = await createDeviceAppHarness();
    await h.services.auth.addOperator('admin', PASSWORD);
    const login = await h.deviceApp.app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'admin', password: PASSWORD } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const response = await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { cookie } });
    assert.equal(response.statusCode, 200);
    document = response.json() as OpenApiDocument;
  });
  after(() => h.close());

  test('is OpenAPI 3.1 with the API base path, and needs a session like every route', async () => {
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.servers, [{ url: '/api/v1' }]);
    const anonymous = await h.deviceApp.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error, 'ERR_AUTH_REQUIRED');
  });

  test('describes every registered admin route with its parameters, body and answers', () => {
    const routes = h.deviceApp.app.adminRoutes.filter((route) => route.method !== 'HEAD');
    assert.ok(routes.length >= 30, `found ${routes.length} routes`);
    for (const route of routes) {
      const label = `${route.method} ${route.url}`;
      const path = route.url.replace(/^\/api\/v1/, '').replace(/:(\w+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${label} is missing`);
      const schema = route.schema ?? {};
      const parameters = operation.parameters ?? [];
      for (const name of [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1])) {
        const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
        assert.ok(parameter?.required === true && isDescriptive(parameter.schema), `${label}: path parameter ${name}`);
      }
      if (schema.querystring !== undefined) assert.ok(parameters.some((p) => p.in === 'query' && isDescriptive(p.schema)), `${label}: query parameters`);
      if (schema.body !== undefined) {
        const bodies = Object.values(operation.requestBody?.content ?? {});
        assert.ok(bodies.length > 0 && bodies.every((body) => isDescriptive(body.schema)), `${label}: request body`);
      }
      const statuses = Object.keys(operation.responses);
      assert.ok(statuses.some((status) => status.startsWith('2')), `${label}: a success answer`);
      for (const status of statuses) {
        if (status === '204') continue;
        const contents: Array<{ schema: Record<string, unknown> }> = Object.values(operation.responses[status]?.content ?? {});
        assert.ok(contents.length > 0 && contents.every((content) => isDescriptive(content.schema)), `${label}: answer ${status}`);
        if (Number(status) >= 400) {
          const properties = Object.keys(contents[0]?.schema['properties'] ?? {}).sort();
          assert.deepEqual(properties, ['error', 'message'], `${label}: error answer ${status}`);
        }
      }
    }
  });

  test('includes the message long poll and cancel, and the upload as a raw body', () => {
    const message = document.paths['/messages/{messageId}'];
    assert.ok(message?.['get'] && message['delete']);
    assert.ok(message['get'].parameters?.some((p) => p.in === 'query' && p.name === 'waitForChangeFrom'));
    assert.ok(document.paths['/files']?.['post']?.requestBody?.content['application/octet-stream']);
    assert.deepEqual(document.paths['/session']?.['post'] && (document.paths['/session']['post'] as { security?: unknown }).security, []);
  });
});
