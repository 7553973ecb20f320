// Device downloads of stored files (PROTOCOL.md A7): GET/HEAD /files/<name>, and /<name> at the root
// like the vendor example, as a fallback that never shadows a device, API or console route.
// RFC 9110 semantics: one Range (206), 416 with `bytes */size`, strong ETag (the SHA-256),
// If-None-Match (304), If-Range, Last-Modified; the bytes are streamed from disk.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Transform, pipeline } from 'node:stream';
import type { Clock } from '../../domain/clock.js';
import type { FileContentStore } from '../../domain/file-content.js';
import type { FileDownloads } from '../../domain/file-downloads.js';
import type { StoredFile } from '../../domain/file-store.js';
import { OpenTpsError } from '../../errors.js';
import { contentRangeOf, decideRange, unsatisfiedContentRange } from '../../protocol/byte-range.js';
import { decodeFileNameSegment } from '../../protocol/file-name.js';
import { sendDeviceError } from './device-reply.js';
import { extractProtocolParams } from './protocol-params.js';
import type { ReportRequestFailure } from './request-failure-report.js';

export interface FileRouteDeps {
  readonly downloads: FileDownloads;
  readonly content: FileContentStore;
  readonly clock: Clock;
}

const FILES_PREFIX = '/files/';
/** Ranges up to this size are read into one buffer (bounded memory per request); larger ones are streamed. */
const SMALL_RANGE_BYTES = 64 * 1024;
/** A single root segment that tries to leave it: `..`, encoded dots or slashes, backslashes, NUL. */
const TRAVERSAL_HINT = /\.\.|%2e|%2f|%5c|%00|\\|\0/i;

function pathOf(url: string): string {
  const mark = url.indexOf('?');
  return mark === -1 ? url : url.slice(0, mark);
}

function etagOf(file: StoredFile): string {
  return `"${file.sha256}"`;
}

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` is ignored, `*` matches. */
function isNoneMatchHit(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** If-Range needs a strong match of the ETag, or exactly our Last-Modified date (RFC 9110 13.1.5). */
function isIfRangeFresh(header: string | undefined, etag: string, lastModified: string): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return value === lastModified;
}

export function registerFileRoutes(app: FastifyInstance, deps: FileRouteDeps, reportFailure: ReportRequestFailure): {
  serveRootFile: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;
} {
  const serve = async (request: FastifyRequest, reply: FastifyReply, file: StoredFile): Promise<FastifyReply> => {
    const params = extractProtocolParams(request);
    const startedAtMs = deps.clock.nowMs();
    let grant;
    try {
      grant = await deps.downloads.authorize(file, { name: file.name, ...params, remoteAddress: request.ip ?? null }, request.observation);
    } catch (error) {
      if (error instanceof OpenTpsError && error.code === 'ERR_FILE_RATE_LIMITED') {
        const retryAfterS = Number(error.details?.['retryAfterS'] ?? 1);
        return sendDeviceError(request, reply, 'ERR_FILE_RATE_LIMITED', { 'retry-after': String(retryAfterS) });
      }
      throw error;
    }
    const etag = etagOf(file);
    const lastModified = new Date(file.createdAtMs).toUTCString();
    reply.header('accept-ranges', 'bytes').header('etag', etag).header('last-modified', lastModified).header('cache-control', 'no-cache');
    if (isNoneMatchHit(request.headers['if-none-match'], etag)) {
      request.answeredBody = '(304 not modified)';
      return reply.code(304).send();
    }
    const rangeHeader = request.headers.range;
    const ifRange = request.headers['if-range'];
    const decision = isIfRangeFresh(Array.isArray(ifRange) ? ifRange.join(',') : ifRange, etag, lastModified) ? decideRange(rangeHeader, file.size) : { kind: 'full' as const };
    if (decision.kind === 'unsatisfiable') {
      return sendDeviceError(request, reply, 'ERR_FILE_RANGE_UNSATISFIABLE', { 'content-range': unsatisfiedContentRange(file.size) });
    }
    const [start, end] = decision.kind === 'partial' ? [decision.start, decision.end] : [0, file.size - 1];
    const length = end - start + 1;
    const status = decision.kind === 'partial' ? 206 : 200;
    reply.code(status).header('content-type', file.contentType).header('content-length', String(Math.max(0, length)));
    if (status === 206) reply.header('content-range', contentRangeOf(start, end, file.size));
    request.answeredBody = `(${file.name}: ${status === 206 ? `bytes ${start}-${end}` : 'whole file'}, ${Math.max(0, length)} of ${file.size} bytes)`;
    if (request.method === 'HEAD' || length <= 0) return reply.send();

    const response = reply.raw;
    let isFinished = false;
    response.once('finish', () => {
      isFinished = true;
    });
    let bytesRead = 0;
    response.once('close', () => {
      // What left our hands, minus what was still queued on the socket when it closed.
      const bytesSent = isFinished || response.writableFinished ? length : Math.max(0, Math.min(length, bytesRead - response.writableLength));
      deps.downloads
        .record({
          fileName: file.name, fileSha256: file.sha256, deviceId: grant.deviceId, remoteAddress: request.ip ?? null,
          rangeStart: start, rangeEnd: end, bytesSent, status, startedAtMs, endedAtMs: deps.clock.nowMs(),
        })
        .catch((error: unknown) => reportFailure('file-transfer-record', error, { fileName: file.name, deviceId: grant.deviceId }));
    });
    if (length <= SMALL_RANGE_BYTES) {
      const bytes = await deps.content.readRange(file.sha256, start, end);
      bytesRead = bytes.length;
      return reply.send(bytes);
    }
    // Counts what the file gives to the response; pipeline() closes the file when the client goes away.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytesRead += chunk.length;
        callback(null, chunk);
      },
    });
    pipeline(deps.content.openRange(file.sha256, start, end), counter, () => undefined);
    return reply.send(counter);
  };

  const lookUp = async (name: string): Promise<StoredFile> => {
    const file = await deps.downloads.findFile(name);
    if (file === null) throw new OpenTpsError('ERR_FILE_NOT_FOUND', name);
    return file;
  };

  app.all('/files/*', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendDeviceError(request, reply, 'ERR_METHOD_NOT_ALLOWED', { allow: 'GET, HEAD' });
    // The raw path, not Fastify's decoded parameter: `%2f` and `..` must be seen as sent.
    const segment = pathOf(request.raw.url ?? '').slice(FILES_PREFIX.length);
    const name = decodeFileNameSegment(segment);
    if (name === null) return sendDeviceError(request, reply, 'ERR_FILE_NAME_INVALID');
    return serve(request, reply, await lookUp(name));
  });

  return {
    /** For the not-found handler: serves `/<name>` when it names a stored file; false to let it answer 404. */
    async serveRootFile(request, reply) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      const path = pathOf(request.raw.url ?? '');
      const segment = path.slice(1);
      if (segment === '') return false;
      if (segment.includes('/') || TRAVERSAL_HINT.test(segment)) {
        // Only worth a file-name error when it looks like an attempt on a file; other deep paths stay 404.
        if (!TRAVERSAL_HINT.test(path)) return false;
        await sendDeviceError(request, reply, 'ERR_FILE_NAME_INVALID');
        return true;
      }
      const name = decodeFileNameSegment(segment);
      if (name === null) return false;
      const file = await deps.downloads.findFile(name);
      if (file === null) return false;
      await serve(request, reply, file);
      return true;
    },
  };
}
