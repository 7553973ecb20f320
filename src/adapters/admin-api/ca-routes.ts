// /api/v1/ca: the private CA of the custom-endpoint kit for the console's setup page (docs/api.md):
// status, create, issue server and client certificates, revoke, and each file a CWM needs.

import type { FastifyInstance } from 'fastify';
import type { OpenTpsConfig } from '../../config/config-schema.js';
import type { AuditLog } from '../../domain/audit-log.js';
import type { Clock } from '../../domain/clock.js';
import { KEY_ALGORITHMS, type IssuedCertificate, type KeyAlgorithm } from '../../domain/ca-records.js';
import type { CertificateAuthority } from '../../domain/certificate-authority.js';
import { effectiveClientAuthMode } from '../../domain/client-auth-mode.js';
import { buildCwmExport, isExportFileName, MAX_PEM_BYTES } from '../../domain/cwm-export.js';
import { OpenTpsError } from '../../errors.js';
import { invalid } from './api-errors.js';
import { isoOrNull } from './api-views.js';
import { bodyOf, optionalString, queryOf } from './request-input.js';

export interface CaRouteDeps {
  readonly ca: CertificateAuthority;
  readonly audit: AuditLog;
  readonly config: Readonly<OpenTpsConfig>;
  readonly clock: Clock;
}

function certificateView(certificate: IssuedCertificate, nowMs: number): Record<string, unknown> {
  return {
    serial: certificate.serial,
    kind: certificate.kind,
    label: certificate.label,
    subject: certificate.subject,
    names: certificate.names,
    issuedAt: isoOrNull(certificate.issuedAtMs),
    notAfter: isoOrNull(certificate.notAfterMs),
    revokedAt: isoOrNull(certificate.revokedAtMs),
    state: certificate.revokedAtMs !== null ? 'revoked' : certificate.notAfterMs <= nowMs ? 'expired' : 'valid',
  };
}

export function registerCaRoutes(api: FastifyInstance, deps: CaRouteDeps): void {
  const { ca } = deps;

  api.get('/ca', async () => {
    const status = ca.status();
    const nowMs = deps.clock.nowMs();
    return {
      exists: status.root !== null,
      root: status.root === null ? null : { ...status.root, createdAt: isoOrNull(status.root.createdAtMs), notAfter: isoOrNull(status.root.notAfterMs), createdAtMs: undefined, notAfterMs: undefined },
      serverCertificate: status.serverCertificate === null ? null : certificateView(status.serverCertificate, nowMs),
      clientCertificates: status.clientCertificates.map((c) => certificateView(c, nowMs)),
      clientAuthMode: effectiveClientAuthMode(deps.config.clientAuth, status.root !== null),
      isServingTlsDirectly: !deps.config.isPlainHttp,
      isUsingOperatorCertificate: deps.config.certFile !== null,
    };
  });

  api.post('/ca', async (request, reply) => {
    const body = bodyOf(request);
    const algorithm = optionalString(body, 'algorithm');
    if (algorithm !== undefined && !(KEY_ALGORITHMS as readonly string[]).includes(algorithm)) throw invalid(`"algorithm" must be one of ${KEY_ALGORITHMS.join(', ')}`);
    const root = await ca.init({ name: optionalString(body, 'name'), algorithm: algorithm as KeyAlgorithm | undefined });
    await deps.audit.record(request.operatorName ?? '-', 'ca.init', root.serial, { name: root.name, algorithm: root.algorithm });
    return reply.code(201).send({ name: root.name, serial: root.serial, algorithm: root.algorithm, notAfter: isoOrNull(root.notAfterMs), sha256Fingerprint: root.sha256Fingerprint });
  });

  api.post('/ca/server-certificates', async (request, reply) => {
    const names = bodyOf(request)['names'];
    if (!Array.isArray(names) || !names.every((name): name is string => typeof name === 'string')) throw invalid('"names" must be an array of strings');
    const issued = await ca.issueServerCertificate(names);
    await deps.audit.record(request.operatorName ?? '-', 'ca.server-cert', issued.serial, { names: issued.names });
    return reply.code(201).send(certificateView(issued, deps.clock.nowMs()));
  });

  api.post('/ca/client-certificates', async (request, reply) => {
    const label = optionalString(bodyOf(request), 'label');
    if (label === undefined) throw invalid('"label" is required');
    const issued = await ca.issueClientCertificate(label);
    await deps.audit.record(request.operatorName ?? '-', 'ca.client-cert', issued.certificate.serial, { label: issued.certificate.label });
    // The key stays in DATA/ca/issued/ (0600) so that the export can hand it to the next CWM too.
    return reply.code(201).send({ certificate: certificateView(issued.certificate, deps.clock.nowMs()), certPem: issued.certPem });
  });

  api.get('/ca/certificates', async () => {
    const nowMs = deps.clock.nowMs();
    return { items: ca.list().map((c) => certificateView(c, nowMs)) };
  });

  api.post('/ca/certificates/:serial/revoke', async (request) => {
    const { serial } = request.params as { serial: string };
    const revoked = ca.revoke(serial);
    await deps.audit.record(request.operatorName ?? '-', 'ca.revoke', revoked.serial, { kind: revoked.kind, label: revoked.label });
    return certificateView(revoked, deps.clock.nowMs());
  });

  api.get('/ca/export', async (request) => {
    const label = queryOf(request)['label'];
    const files = buildCwmExport(ca, label);
    return {
      maxPemBytes: MAX_PEM_BYTES,
      files: files.map((f) => ({ name: f.name, slot: f.slot, bytes: f.bytes, isSecret: f.isSecret, isUnderLimit: f.name.endsWith('.pem') ? f.bytes < MAX_PEM_BYTES : true })),
    };
  });

  api.get('/ca/export/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!isExportFileName(name)) throw new OpenTpsError('ERR_API_NOT_FOUND', `no export file ${JSON.stringify(name)}`);
    const label = queryOf(request)['label'];
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
