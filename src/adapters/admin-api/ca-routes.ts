// /api/v1/ca: the private CA of the custom-endpoint kit for the console's setup page (docs/api.md):
// status, create, issue server and client certificates, revoke, and each file a CWM needs.

import type { OpenTpsConfig } from '../../config/config-schema.js';
import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import type { IssuedCertificate, KeyAlgorithm } from '../../domain/ca-records.js';
import type { CertificateAuthority } from '../../domain/certificate-authority.js';
import { effectiveClientAuthMode, type ClientAuthMode } from '../../domain/client-auth-mode.js';
import { buildCwmExport, isExportFileName, MAX_PEM_BYTES } from '../../domain/cwm-export.js';
import { OpenTpsError } from '../../errors.js';
import type { Static } from '@sinclair/typebox';
import type { AdminApi } from './admin-api-instance.js';
import { isoOrNull } from './api-views.js';
import {
  CaStatusSchema, CertificateListSchema, CertificateSchema, CLIENT_AUTH_MODE_VALUES, ClientCertificateBody, CreatedCaSchema, ExportFileParams, ExportFileSchema,
  ExportListSchema, ExportQuery, IssuedClientCertificateSchema, KEY_ALGORITHM_VALUES, NewCaBody, SerialParams, ServerCertificateBody,
} from './schemas/ca-schemas.js';
import { errorResponses } from './schemas/common-schemas.js';
import type { SameType } from './schema-parity.js';

const algorithmsMatch: SameType<(typeof KEY_ALGORITHM_VALUES)[number], KeyAlgorithm> = true;
const modesMatch: SameType<(typeof CLIENT_AUTH_MODE_VALUES)[number], ClientAuthMode> = true;
void algorithmsMatch;
void modesMatch;

export interface CaRouteDeps {
  readonly ca: CertificateAuthority;
  readonly audit: AuditLog;
  readonly config: Readonly<OpenTpsConfig>;
  readonly clock: Clock;
}

function certificateView(certificate: IssuedCertificate, nowMs: number): Static<typeof CertificateSchema> {
  return {
    serial: certificate.serial,
    kind: certificate.kind,
    label: certificate.label,
    subject: certificate.subject,
    names: [...certificate.names],
    issuedAt: new Date(certificate.issuedAtMs).toISOString(),
    notAfter: new Date(certificate.notAfterMs).toISOString(),
    revokedAt: isoOrNull(certificate.revokedAtMs),
    state: certificate.revokedAtMs !== null ? ('revoked' as const) : certificate.notAfterMs <= nowMs ? ('expired' as const) : ('valid' as const),
  };
}

export function registerCaRoutes(api: AdminApi, deps: CaRouteDeps): void {
  const { ca } = deps;

  const statusSummary = 'The private CA: root, server certificate in use, client certificates, client-auth mode';
  api.get('/ca', { schema: { summary: statusSummary, response: { 200: CaStatusSchema, ...errorResponses() } } }, async () => {
    const status = ca.status();
    const nowMs = deps.clock.nowMs();
    return {
      exists: status.root !== null,
      root: status.root === null ? null : { ...status.root, createdAt: new Date(status.root.createdAtMs).toISOString(), notAfter: new Date(status.root.notAfterMs).toISOString() },
      serverCertificate: status.serverCertificate === null ? null : certificateView(status.serverCertificate, nowMs),
      clientCertificates: status.clientCertificates.map((c) => certificateView(c, nowMs)),
      clientAuthMode: effectiveClientAuthMode(deps.config.clientAuth, status.root !== null),
      isServingTlsDirectly: !deps.config.isPlainHttp,
      isUsingOperatorCertificate: deps.config.certFile !== null,
    };
  });

  api.post('/ca', { schema: { summary: 'Create the CA', body: NewCaBody, response: { 201: CreatedCaSchema, ...errorResponses(400, 403, 409) } } }, async (request, reply) => {
    const root = await ca.init({ name: request.body.name, algorithm: request.body.algorithm });
    await deps.audit.record(request.operatorName ?? '-', 'ca.init', root.serial, { name: root.name, algorithm: root.algorithm });
    return reply.code(201).send({ name: root.name, serial: root.serial, algorithm: root.algorithm, notAfter: new Date(root.notAfterMs).toISOString(), sha256Fingerprint: root.sha256Fingerprint });
  });

  const serverSchema = { summary: 'Issue the server certificate for {names}', body: ServerCertificateBody, response: { 201: CertificateSchema, ...errorResponses(400, 403, 409) } };
  api.post('/ca/server-certificates', { schema: serverSchema }, async (request, reply) => {
    const issued = await ca.issueServerCertificate(request.body.names);
    await deps.audit.record(request.operatorName ?? '-', 'ca.server-cert', issued.serial, { names: issued.names });
    return reply.code(201).send(certificateView(issued, deps.clock.nowMs()));
  });

  const clientSchema = {
    summary: 'Issue a client provisioning certificate for {label}', body: ClientCertificateBody, response: { 201: IssuedClientCertificateSchema, ...errorResponses(400, 403, 409) },
  };
  api.post('/ca/client-certificates', { schema: clientSchema }, async (request, reply) => {
    const issued = await ca.issueClientCertificate(request.body.label);
    await deps.audit.record(request.operatorName ?? '-', 'ca.client-cert', issued.certificate.serial, { label: issued.certificate.label });
    // The key stays in DATA/ca/issued/ (0600) so that the export can hand it to the next CWM too.
    return reply.code(201).send({ certificate: certificateView(issued.certificate, deps.clock.nowMs()), certPem: issued.certPem });
  });

  api.get('/ca/certificates', { schema: { summary: 'Every issued certificate, newest first', response: { 200: CertificateListSchema, ...errorResponses(409) } } }, async () => {
    const nowMs = deps.clock.nowMs();
    return { items: ca.list().map((c) => certificateView(c, nowMs)) };
  });

  const revokeSchema = { summary: 'Revoke a certificate (refused from the next request)', params: SerialParams, response: { 200: CertificateSchema, ...errorResponses(403, 404, 409) } };
  api.post('/ca/certificates/:serial/revoke', { schema: revokeSchema }, async (request) => {
    const { serial } = request.params;
    const revoked = ca.revoke(serial);
    await deps.audit.record(request.operatorName ?? '-', 'ca.revoke', revoked.serial, { kind: revoked.kind, label: revoked.label });
    return certificateView(revoked, deps.clock.nowMs());
  });

  api.get('/ca/export', { schema: { summary: 'The files a CWM needs, with their sizes', querystring: ExportQuery, response: { 200: ExportListSchema, ...errorResponses(400, 404, 409) } } }, async (request) => {
    const { label } = request.query;
    const files = buildCwmExport(ca, label);
    return {
      maxPemBytes: MAX_PEM_BYTES,
      files: files.map((f) => ({ name: f.name, slot: f.slot, bytes: f.bytes, isSecret: f.isSecret, isUnderLimit: f.name.endsWith('.pem') ? f.bytes < MAX_PEM_BYTES : true })),
    };
  });

  const exportFileSchema = {
    summary: 'Download one export file (PEM or README.txt)', params: ExportFileParams, querystring: ExportQuery,
    response: { 200: { description: 'the file as an attachment', content: { 'application/x-pem-file': { schema: ExportFileSchema }, 'text/plain': { schema: ExportFileSchema } } }, ...errorResponses(400, 404, 409) },
  };
  api.get('/ca/export/:name', { schema: exportFileSchema }, async (request, reply) => {
    const { name } = request.params;
    if (!isExportFileName(name)) throw new OpenTpsError('ERR_API_NOT_FOUND', `no export file ${JSON.stringify(name)}`);
    const { label } = request.query;
    const file = buildCwmExport(ca, label).find((f) => f.name === name);
    if (file === undefined) throw new OpenTpsError('ERR_API_NOT_FOUND', name);
    if (file.isSecret) await deps.audit.record(request.operatorName ?? '-', 'ca.export-key', name, { label: label ?? null });
    return reply
      .header('content-type', name.endsWith('.pem') ? 'application/x-pem-file' : 'text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(file.content);
  });
}
