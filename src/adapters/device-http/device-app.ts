// The device transport: a Fastify app serving /push, /pull, /time, /provision (and recording every
// request, known path or not), with size limits, overload shedding and no open port of its own.

import type { AlertEngine } from '../../domain/alerts/alert-engine.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Clock } from '../../domain/clock.js';
import type { MessageDelivery } from '../../domain/message-delivery.js';
import type { PushIngest } from '../../domain/push-ingest.js';
import { createRequestObservation } from '../../domain/request-observation.js';
import type { Store } from '../../domain/store.js';
import { recordableHeaders, type TrafficRecorder } from '../../domain/traffic-recorder.js';
import { ERROR_CATALOGUE, OpenTpsError, type ErrorCode } from '../../errors.js';
import { encodeDeviceError } from '../../protocol/device-answers.js';
import { createRequestFailureReport, type DeviceRequestTask } from './request-failure-report.js';
import { errorCodeOf, sendDeviceError, sendJson } from './device-reply.js';
import './fastify-augmentation.js';
import { redactUrl } from '../../protocol/signature-redaction.js';
import { createProxyMatcher, readClientCertificate } from './client-certificate.js';
import { createUntrustedProxyWarning } from './untrusted-proxy-warning.js';
import { isClientCertificateRequired, type ClientAuthMode } from '../../domain/client-auth-mode.js';
import { judgeClientCertificate, REFUSAL_CODES } from '../../domain/client-certificate-verdict.js';
import { claimedDevid, registerProvisionRoute } from './provision-route.js';
import { registerFileRoutes, type FileRouteDeps } from './file-route.js';
import { registerPullRoute } from './pull-route.js';
import { registerPushRoute } from './push-route.js';
import { registerTimeRoute } from './time-route.js';
import { createConnectionLimiter, limitConnectionsPerAddress } from './connection-limiter.js';
import { failureKey, type RepeatedErrorLog } from '../logging/repeated-error-log.js';
import { answerConnectRequests, createClientErrorAnswer, methodsLeftUnrouted, type UnroutedRequestDeps } from './unrouted-requests.js';

/** Paths of the operator side (and the health check and metrics), served by the same app but outside the device protocol. */
const OPERATOR_PATH = /^\/(?:$|\?|api\/|console(?:\/|$|\?)|pullform(?:$|\?)|healthz(?:$|\?)|metrics(?:$|\?))/;

export function isOperatorPath(url: string): boolean {
  return OPERATOR_PATH.test(url);
}

export interface DeviceAppLimits {
  readonly maxBodyBytes: number;
  readonly maxQueryBytes: number;
  readonly maxInflightRequests: number;
  readonly maxPendingWrites: number;
  readonly retryAfterSeconds: number;
  readonly keepAliveTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly defaultTimeZone: string;
  /** Proxies whose X-Forwarded-For names the client (nginx); none by default, so the header is ignored. */
  readonly trustedProxies: readonly string[];
  /** A TLS handshake not done this long after the connection opened is cut (Node's default would be 120 s). */
  readonly tlsHandshakeTimeoutMs: number;
  /** Open connections one address may hold; trusted proxies are exempt. */
  readonly maxConnectionsPerAddress: number;
}

export interface DeviceAppDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly pushIngest: PushIngest;
  readonly delivery: MessageDelivery;
  readonly traffic: TrafficRecorder;
  readonly logger: FastifyBaseLogger;
  /** Where failures that repeat with every request (a full disk) are logged once per interval. */
  readonly failureLog: RepeatedErrorLog;
  /** Counts a failure of work a request left behind (opentps_background_failures_total{task}). */
  readonly countFailure: (task: DeviceRequestTask) => void;
  readonly limits: DeviceAppLimits;
  /** TLS identity; absent for plain HTTP behind a TLS-terminating proxy. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string } | undefined;
  /** Mutual TLS on device paths (absent: none). */
  readonly clientAuth?: ClientAuthGate | undefined;
  /** Stored files for device downloads (/files/<name> and /<name>); absent: no file routes. */
  readonly files?: FileRouteDeps | undefined;
  /** Told of every answered device request (a CWM seen, an HMAC failure); absent: no alert evaluation. */
  readonly alerts?: Pick<AlertEngine, 'observeRequest'> | undefined;
}

/** What the device transport asks about client certificates, answered afresh on every request. */
export interface ClientAuthGate {
  /** Whether the TLS server asks clients for a certificate at all (fixed when the server is built). */
  readonly isRequestingCertificates: boolean;
  /** Our root, which client certificates must chain to (null until a CA exists). */
  rootCertificatePem(): string | null;
  mode(): ClientAuthMode;
  isRevoked(serial: string): boolean;
}

/** A new certificate (and client CA) for the running TLS server, without dropping a connection. */
export interface TlsContextUpdate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly clientCaPem: string | null;
}

export interface DeviceApp {
  readonly app: FastifyInstance;
  /** Device requests being handled now. */
  readonly inflightCount: () => number;
  /** From now on answer 503 to new requests (graceful shutdown). */
  readonly beginShutdown: () => void;
  /** Swaps the TLS certificate and client CA for new connections (no-op over plain HTTP). */
  readonly updateTlsContext: (update: TlsContextUpdate) => void;
  /** Connections open from `address` now (as counted by --max-connections-per-address). */
  readonly openConnectionCount: (address: string) => number;
  /** Connections refused over --max-connections-per-address since start. */
  readonly refusedConnectionCount: () => number;
}

export function buildDeviceApp(deps: DeviceAppDeps): DeviceApp {
  const { limits } = deps;
  // Node's parser refuses headers (the URL included) past maxHeaderSize; keep that above our own query
  // limit so an oversized query is still a request, recorded with its URL, with our JSON 413.
  const maxHeaderSize = limits.maxQueryBytes + 16 * 1024;
  const tls = deps.tls;
  const clientAuth = deps.clientAuth;
  const isTrustedProxy = createProxyMatcher(limits.trustedProxies);
  const warnIfUntrustedProxy = createUntrustedProxyWarning({ isTrustedProxy, logger: deps.logger });
  // Client certificates are asked for but not enforced by the TLS layer: the verdict (missing, other CA,
  // revoked, expired) is decided per request and path, answered in the protocol's format and recorded.
  // Until a CA exists the server's own certificate stands in as the CA list, so no client matches it.
  const clientTlsOptions = (clientCaPem: string | null, certPem: string) =>
    clientAuth?.isRequestingCertificates === true ? { requestCert: true, rejectUnauthorized: false, ca: [clientCaPem ?? certPem] } : {};
  const connectionLimiter = createConnectionLimiter({
    maxPerAddress: limits.maxConnectionsPerAddress,
    isExempt: isTrustedProxy,
    clock: deps.clock,
    logger: deps.logger,
  });
  const reportRequestFailure = createRequestFailureReport(deps.failureLog, deps.countFailure);
  const reportTrafficFailure = (error: unknown): void => reportRequestFailure('traffic-record', error);
  const unroutedDeps: UnroutedRequestDeps = {
    clock: deps.clock,
    traffic: deps.traffic,
    logger: deps.logger,
    reportTrafficFailure,
    isRecordingAffordable: () => deps.store.pendingWriteCount <= limits.maxPendingWrites,
    isOperatorPath,
  };
  const app = Fastify({
    loggerInstance: deps.logger,
    // Fastify's per-request lines would log raw URLs (signatures included); onResponse logs a redacted line.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.maxBodyBytes,
    // Only a configured proxy may name the client; from anyone else X-Forwarded-For is ignored.
    trustProxy: limits.trustedProxies.length > 0 ? [...limits.trustedProxies] : false,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // A path Fastify cannot decode (`/foo/%zz`) is refused before any hook runs, with Fastify's own
    // body and no traffic entry. Every request a device makes must be answered in our format and
    // recorded (PROTOCOL.md A6), so it is done here.
    frameworkErrors: (error, request, reply) => {
      const code: ErrorCode = error.code === 'FST_ERR_BAD_URL' ? 'ERR_REQUEST_ENCODING' : 'ERR_REQUEST_INVALID';
      const receivedAtMs = deps.clock.nowMs();
      const body = encodeDeviceError(code);
      const status = ERROR_CATALOGUE[code].status;
      reply.raw.once('finish', () => {
        deps.traffic
          .record({
            deviceId: null, claimedDeviceId: null, receivedAtMs, remoteAddress: request.ip ?? null, method: request.method,
            url: request.raw.url ?? '', headers: recordableHeaders(request.headers), body: '', status, response: body,
            durationMs: deps.clock.nowMs() - receivedAtMs, signatureVerdict: null, crcVerdict: null, errorCode: code,
            clientCertSubject: null, clientCertSerial: null,
          })
          .catch(reportTrafficFailure);
      });
      void sendJson(reply, status, body);
    },
    // Requests Node's parser gives up on (unknown method, bad framing, slow or huge headers): answered in
    // the device format, not Fastify's, and recorded when their request line is readable.
    clientErrorHandler: createClientErrorAnswer(unroutedDeps),
    serverFactory: (handler) => {
      const server: Server = tls
        ? createHttpsServer(
            {
              maxHeaderSize,
              cert: tls.certPem,
              key: tls.keyPem,
              minVersion: 'TLSv1.2',
              // A client that connects and never finishes the handshake holds a socket (and a slot of its
              // address) only this long. setSecureContext (updateTlsContext) leaves it in place.
              handshakeTimeout: limits.tlsHandshakeTimeoutMs,
              ...clientTlsOptions(clientAuth?.rootCertificatePem() ?? null, tls.certPem),
            },
            handler,
          )
        : createHttpServer({ maxHeaderSize }, handler);
      limitConnectionsPerAddress(server, connectionLimiter);
      answerConnectRequests(server, unroutedDeps);
      // CWMs keep their TLS sessions open between requests (PROTOCOL.md A1): keep idle connections long.
      server.keepAliveTimeout = limits.keepAliveTimeoutMs;
      server.headersTimeout = Math.min(limits.requestTimeoutMs, limits.keepAliveTimeoutMs + 1000);
      server.requestTimeout = limits.requestTimeoutMs;
      return server;
    },
  });

  for (const method of methodsLeftUnrouted(app.supportedMethods)) app.addHttpMethod(method, { hasBody: true });

  let inflight = 0;
  let isShuttingDown = false;

  // `observation` is an object, which Fastify will not take as a shared decorator default: onRequest
  // gives each request its own.
  app.decorateRequest('receivedAtMs', 0);
  app.decorateRequest('isOperatorRequest', false);
  app.decorateRequest('rawBodyText', '');
  app.decorateRequest('answeredBody', '');
  app.decorateRequest('answeredErrorCode', null);

  // Every body is taken as raw text: the protocol's own decoder is stricter than any built-in parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    request.rawBodyText = typeof body === 'string' ? body : body.toString('utf8');
    done(null, undefined);
  });

  app.addHook('onRequest', async (request, reply) => {
    warnIfUntrustedProxy(request.raw.socket?.remoteAddress, request.headers);
    request.isOperatorRequest = isOperatorPath(request.raw.url ?? '');
    // Operator routes (admin API, console) are neither device traffic nor subject to device load shedding.
    if (request.isOperatorRequest) return undefined;
    request.observation = createRequestObservation();
    request.receivedAtMs = deps.clock.nowMs();
    inflight++;
    reply.raw.once('close', () => {
      inflight--;
    });
    if (isShuttingDown) return sendDeviceError(request, reply, 'ERR_SHUTTING_DOWN', { 'retry-after': String(limits.retryAfterSeconds), connection: 'close' });
    if (inflight > limits.maxInflightRequests || deps.store.pendingWriteCount > limits.maxPendingWrites) {
      return sendDeviceError(request, reply, 'ERR_OVERLOADED', { 'retry-after': String(limits.retryAfterSeconds) });
    }
    if ((request.raw.url ?? '').length > limits.maxQueryBytes) return sendDeviceError(request, reply, 'ERR_REQUEST_TOO_LARGE');
    const presented = readClientCertificate(request, isTrustedProxy);
    request.observation.clientCertSubject = presented.subject;
    request.observation.clientCertSerial = presented.serial;
    const path = (request.raw.url ?? '').split('?', 1)[0] ?? '';
    if (clientAuth !== undefined && isClientCertificateRequired(clientAuth.mode(), path)) {
      const verdict = judgeClientCertificate(presented, (serial) => clientAuth.isRevoked(serial));
      if (verdict !== 'verified') {
        // Name the refused device in the traffic when it said who it is, so the operator can tell CWMs apart.
        request.observation.claimedDeviceId = claimedDevid(request);
        return sendDeviceError(request, reply, REFUSAL_CODES[verdict]);
      }
    }
    return undefined;
  });

  app.addHook('onSend', async (request, _reply, payload) => {
    if (!request.isOperatorRequest && typeof payload === 'string') request.answeredBody = payload;
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.isOperatorRequest) return;
    const observation = request.observation;
    const entry = {
      deviceId: observation.deviceId,
      claimedDeviceId: observation.claimedDeviceId,
      receivedAtMs: request.receivedAtMs,
      remoteAddress: request.ip ?? null,
      method: request.method,
      url: request.raw.url ?? '',
      headers: recordableHeaders(request.headers),
      body: request.rawBodyText,
      status: reply.statusCode,
      response: request.answeredBody,
      durationMs: reply.elapsedTime,
      signatureVerdict: observation.signatureVerdict,
      crcVerdict: observation.crcVerdict,
      errorCode: request.answeredErrorCode,
      clientCertSubject: observation.clientCertSubject,
      clientCertSerial: observation.clientCertSerial,
    };
    // Overload answers are not recorded: recording them would add the very writes that caused the overload.
    if (request.answeredErrorCode === 'ERR_OVERLOADED') return;
    deps.alerts?.observeRequest(observation.deviceId, observation.claimedDeviceId, observation.signatureVerdict, request.receivedAtMs);
    deps.traffic.record(entry).catch(reportTrafficFailure);
    request.log.debug({ method: request.method, url: redactUrl(entry.url), status: entry.status, ms: entry.durationMs }, 'device request');
  });

  app.setErrorHandler(async (error, request, reply) => {
    const code = errorCodeOf(error);
    if (code === 'ERR_INTERNAL' || code === 'ERR_STORE_UNAVAILABLE') {
      // One line per interval while the store keeps failing, not one stack per refused request.
      deps.failureLog.report('error', failureKey(`device request failed ${code}`, error), { err: error, url: redactUrl(request.raw.url ?? '') }, 'device request failed');
    }
    else if (!(error instanceof OpenTpsError)) request.log.debug({ err: error }, 'device request refused');
    const retryAfterS = error instanceof OpenTpsError && typeof error.details?.['retryAfterS'] === 'number' ? error.details['retryAfterS'] : limits.retryAfterSeconds;
    const headers: Record<string, string> = ERROR_CATALOGUE[code].status === 503 ? { 'retry-after': String(retryAfterS) } : {};
    const reason = error instanceof OpenTpsError && typeof error.details?.['reason'] === 'string' ? error.details['reason'] : undefined;
    return sendDeviceError(request, reply, code, headers, reason);
  });

  // Stored files: /files/<name>, and /<name> only where no other route matched (never shadowing one).
  const fileRoutes = deps.files ? registerFileRoutes(app, deps.files, reportRequestFailure) : null;
  app.setNotFoundHandler(async (request, reply) => {
    if (fileRoutes !== null && !request.isOperatorRequest && (await fileRoutes.serveRootFile(request, reply))) return reply;
    return sendDeviceError(request, reply, 'ERR_ROUTE_NOT_FOUND');
  });

  registerPushRoute(app, deps.pushIngest);
  registerPullRoute(app, deps.delivery, reportRequestFailure);
  registerTimeRoute(app, { store: deps.store, clock: deps.clock, defaultTimeZone: limits.defaultTimeZone });
  registerProvisionRoute(app);

  return {
    app,
    inflightCount: () => inflight,
    beginShutdown: () => {
      isShuttingDown = true;
    },
    updateTlsContext: (update) => {
      if (!tls || !('setSecureContext' in app.server) || typeof app.server.setSecureContext !== 'function') return;
      app.server.setSecureContext({
        cert: update.certPem, key: update.keyPem, minVersion: 'TLSv1.2', ...clientTlsOptions(update.clientCaPem, update.certPem),
      });
    },
    openConnectionCount: (address) => connectionLimiter.openCount(address),
    refusedConnectionCount: () => connectionLimiter.refusedCount(),
  };
}
