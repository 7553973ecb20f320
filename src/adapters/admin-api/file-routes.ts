// /api/v1/files: the managed file store (upload streamed to disk, list, details, delete) and the
// download progress per file and per device (PROTOCOL.md A7). State changes are audit-logged.

import type { IncomingMessage } from 'node:http';
import type { AuditLog } from '../../domain/audit-log.js';
import type { FileLibrary } from '../../domain/file-library.js';
import type { StoredFile, StoredFileTransfer } from '../../domain/file-store.js';
import type { TransferProgress } from '../../domain/transfer-progress.js';
import type { TransferReport } from '../../domain/transfer-report.js';
import { OpenTpsError } from '../../errors.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AdminApi } from './admin-api-instance.js';
import { errorResponses } from './schemas/common-schemas.js';
import { DeviceIdParams } from './schemas/device-schemas.js';
import {
  FileListSchema, FileNameParams, FileTransfersQuery, FileTransfersSchema, StoredFileSchema, TransferListSchema, UploadBody, UploadQuery,
} from './schemas/file-schemas.js';

export interface FileRouteDeps {
  readonly transferReport: TransferReport;
  readonly audit: AuditLog;
  readonly files: FileLibrary;
}

export function toFileView(file: StoredFile) {
  return {
    name: file.name, size: file.size, md5: file.md5, sha256: file.sha256, crc16: file.crc16, contentType: file.contentType,
    createdAt: new Date(file.createdAtMs).toISOString(), uploadedBy: file.uploadedBy, url: `/files/${file.name}`,
  };
}

function toProgressView(progress: TransferProgress, nowMs: number) {
  return {
    fileName: progress.fileName, deviceId: progress.deviceId, remoteAddress: progress.remoteAddress, requests: progress.requests,
    bytesServed: progress.bytesServed, coveredBytes: progress.coveredBytes, fileSize: progress.fileSize,
    completion: progress.completion, isComplete: progress.isComplete, isStalled: progress.isStalled,
    ranges: progress.ranges.map(([start, end]): [number, number] => [start, end]), firstAt: new Date(progress.firstAtMs).toISOString(),
    lastProgressAt: new Date(progress.lastProgressAtMs).toISOString(), idleS: Math.max(0, Math.round((nowMs - progress.lastProgressAtMs) / 1000)),
  };
}

function toRequestView(row: StoredFileTransfer) {
  return {
    id: row.id, fileName: row.fileName, deviceId: row.deviceId, remoteAddress: row.remoteAddress, rangeStart: row.rangeStart,
    rangeEnd: row.rangeEnd, bytesSent: row.bytesSent, status: row.status, startedAt: new Date(row.startedAtMs).toISOString(),
    endedAt: new Date(row.endedAtMs).toISOString(),
  };
}

export function registerFileApiRoutes(api: AdminApi, deps: FileRouteDeps): void {
  // Uploads are raw bytes, streamed to disk while hashed: never parsed, never whole in memory.
  void api.register(async (plugin) => {
    const uploads = plugin.withTypeProvider<TypeBoxTypeProvider>();
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const uploadSchema = {
      summary: 'Upload a file (raw body, streamed; --max-file-bytes)', querystring: UploadQuery, body: { content: { 'application/octet-stream': { schema: UploadBody } } },
      response: { 201: StoredFileSchema, ...errorResponses(400, 403, 409, 413) },
    };
    uploads.post('/files', { schema: uploadSchema }, async (request, reply) => {
      const { name } = request.query;
      const isReplacing = request.query.replace === true;
      const declared = Number(request.headers['content-length']);
      // Refused before a byte is read when the client says how much it will send.
      if (Number.isFinite(declared) && declared > deps.files.maxFileBytes) throw new OpenTpsError('ERR_FILE_TOO_LARGE', `${declared} bytes`);
      const body = request.body as IncomingMessage | undefined;
      const source: AsyncIterable<Uint8Array> = body ?? (async function* empty() {})();
      const contentType = request.headers['content-type'];
      const file = await deps.files.addFile(name, source, {
        uploadedBy: request.operatorName ?? '-',
        contentType: typeof contentType === 'string' && contentType !== 'application/octet-stream' ? contentType : undefined,
        isReplacing,
      });
      await deps.audit.record(request.operatorName ?? '-', 'file.add', name, { size: file.size, sha256: file.sha256, replaced: isReplacing });
      return reply.code(201).send(toFileView(file));
    });
  });

  api.get('/files', { schema: { summary: 'Stored files with size, MD5, SHA-256 and CRC-16', response: { 200: FileListSchema, ...errorResponses() } } }, async () => ({ items: (await deps.files.listFiles()).map(toFileView), maxFileBytes: deps.files.maxFileBytes }));

  api.get('/files/:name', { schema: { summary: 'One stored file', params: FileNameParams, response: { 200: StoredFileSchema, ...errorResponses(404) } } }, async (request) => {
    const { name } = request.params;
    return toFileView(await deps.files.getFile(name));
  });

  const deleteSchema = { summary: 'Delete a file (and its download rows)', params: FileNameParams, response: { 200: StoredFileSchema, ...errorResponses(403, 404) } };
  api.delete('/files/:name', { schema: deleteSchema }, async (request) => {
    const { name } = request.params;
    const removed = await deps.files.deleteFile(name);
    await deps.audit.record(request.operatorName ?? '-', 'file.delete', name, { sha256: removed.sha256 });
    return toFileView(removed);
  });

  const transfersSchema = {
    summary: 'Download progress of a file per device, and its latest requests', params: FileNameParams, querystring: FileTransfersQuery,
    response: { 200: FileTransfersSchema, ...errorResponses(400, 404) },
  };
  api.get('/files/:name/transfers', { schema: transfersSchema }, async (request) => {
    const report = await deps.transferReport.reportFile(request.params.name, request.query.limit ?? 100);
    return { file: toFileView(report.file), items: report.progress.map((p) => toProgressView(p, report.atMs)), requests: report.requests.map(toRequestView) };
  });

  api.get('/devices/:id/transfers', { schema: { summary: 'Download progress of a device per file', params: DeviceIdParams, response: { 200: TransferListSchema, ...errorResponses() } } }, async (request) => {
    const report = await deps.transferReport.reportDevice(request.params.id);
    return { items: report.progress.map((p) => toProgressView(p, report.atMs)) };
  });
}
