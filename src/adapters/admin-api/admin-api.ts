// The admin REST API under /api/v1 (docs/api.md): its own JSON parsing, authentication, errors and
// 404s, encapsulated so none of it touches the device routes.

import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { EventBus } from '../../domain/event-bus.js';
import type { FleetOverview } from '../../domain/fleet-overview.js';
import type { OperatorAuth } from '../../domain/operator-auth.js';
import type { TrafficLog } from '../../domain/traffic-log.js';
import { OpenTpsError } from '../../errors.js';
import { describeDuplicateMember, findDuplicateMember } from '../../protocol/json-duplicate-members.js';
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createAdminAuthHook } from './admin-auth.js';
import { apiErrorOf, sendApiError } from './api-errors.js';
import { registerDeviceRoutes, type DeviceRouteDeps } from './device-routes.js';
import { registerEventRoutes } from './event-routes.js';
import { registerFileApiRoutes, type FileRouteDeps } from './file-routes.js';
import { registerFleetRoutes } from './fleet-routes.js';
import { registerHealthApiRoutes, type HealthApiDeps } from './health-routes.js';
import { failureKey, type RepeatedErrorLog } from '../logging/repeated-error-log.js';
import { registerMessageRoutes, type MessageRouteDeps } from './message-routes.js';
import { OPENAPI_OPTIONS } from './openapi-document.js';
import { OpenApiDocumentSchema } from './schemas/openapi-schemas.js';
import { errorResponses } from './schemas/common-schemas.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerTelemetryRoutes, type TelemetryRouteDeps } from './telemetry-routes.js';
import { registerTrafficRoutes } from './traffic-routes.js';
import { registerCaRoutes, type CaRouteDeps } from './ca-routes.js';
import { registerEndpointRoutes } from './endpoint-routes.js';
import { registerEquipmentRoutes, type EquipmentRouteDeps } from './equipment-routes.js';
import { registerModelRoutes, type ModelRouteDeps } from './model-routes.js';
import { registerSiteRoutes, type SiteRouteDeps } from './site-routes.js';
import { registerAlertRuleRoutes, type AlertRuleRouteDeps } from './alert-rule-routes.js';
import { registerAlertRoutes, type AlertRouteDeps } from './alert-routes.js';
import { registerNotificationChannelRoutes, type NotificationChannelRouteDeps } from './notification-channel-routes.js';
import { compileRequestSchema } from './schema-validator.js';

export const ADMIN_API_PREFIX = '/api/v1';

export interface AdminRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every admin API route as registered (method, full URL and schemas), so tests enumerate them from the server. */
    adminRoutes: AdminRoute[];
  }
}

/** What the admin API calls: domain services (the rules live there), never the store itself. */
export interface AdminApiDeps extends CaRouteDeps, HealthApiDeps, DeviceRouteDeps, TelemetryRouteDeps, MessageRouteDeps, FileRouteDeps,
  EquipmentRouteDeps, ModelRouteDeps, SiteRouteDeps, AlertRuleRouteDeps, AlertRouteDeps, NotificationChannelRouteDeps {
  readonly auth: OperatorAuth;
  readonly events: EventBus;
  readonly fleetOverview: FleetOverview;
  readonly trafficLog: TrafficLog;
  /** Where failures that repeat with every request (a full disk) are logged once per interval. */
  readonly failureLog: RepeatedErrorLog;
}

export function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): void {
  const routes: AdminRoute[] = [];
  app.decorate('adminRoutes', routes);
  // Not awaited: Fastify loads plugins on ready()/listen(), and reports a failing one there.
  void app.register(
    async (plugin) => {
      const api = plugin.withTypeProvider<TypeBoxTypeProvider>();
      // Every route's params, query and body are checked against its TypeBox schema (schemas/).
      api.setValidatorCompiler(compileRequestSchema);
      // Collects the routes registered below (onRoute) into the OpenAPI document served at /openapi.json.
      await api.register(fastifySwagger, OPENAPI_OPTIONS);
      api.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        if (text.trim() === '') return done(null, undefined);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (cause) {
          return done(new OpenTpsError('ERR_API_INVALID', 'the body is not valid JSON', { cause }), undefined);
        }
        // JSON.parse keeps the last of two equal names; which one the operator meant is a guess, so neither.
        const duplicate = findDuplicateMember(text);
        if (duplicate !== null) return done(new OpenTpsError('ERR_JSON_DUPLICATE_KEY', describeDuplicateMember(duplicate, 'body')), undefined);
        done(null, parsed);
      });
      api.decorateRequest('operatorName', null);
      api.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema });
      });
      api.addHook('onRequest', createAdminAuthHook(deps.auth, (request) => request.method === 'POST' && request.url.split('?')[0] === `${ADMIN_API_PREFIX}/session`));
      api.setErrorHandler(async (error, request, reply) => {
        const { code, message } = apiErrorOf(error);
        if (code === 'ERR_INTERNAL' || code === 'ERR_STORE_UNAVAILABLE') {
          deps.failureLog.report('error', failureKey(`admin API request failed ${code}`, error), { err: error, url: request.url }, 'admin API request failed');
        }
        return sendApiError(reply, code, message);
      });
      api.setNotFoundHandler(async (_request, reply) => sendApiError(reply, 'ERR_API_NOT_FOUND'));
      api.get('/openapi.json', { schema: { summary: 'This document', response: { 200: OpenApiDocumentSchema, ...errorResponses() } } }, async () => api.swagger() as Static<typeof OpenApiDocumentSchema>);
      registerSessionRoutes(api, deps);
      registerFleetRoutes(api, deps);
      registerDeviceRoutes(api, deps);
      registerTelemetryRoutes(api, deps);
      registerMessageRoutes(api, deps);
      registerTrafficRoutes(api, deps);
      registerEventRoutes(api, deps);
      registerCaRoutes(api, deps);
      registerEndpointRoutes(api);
      registerFileApiRoutes(api, deps);
      registerHealthApiRoutes(api, deps);
      registerModelRoutes(api, deps);
      registerEquipmentRoutes(api, deps);
      registerSiteRoutes(api, deps);
      registerAlertRuleRoutes(api, deps);
      registerAlertRoutes(api, deps);
      registerNotificationChannelRoutes(api, deps);
    },
    { prefix: ADMIN_API_PREFIX },
  );
}
