// /api/v1/files: the managed file store and download progress (docs/api.md "Files").

import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common-schemas.js';

export const FileNameParams = Type.Object({ name: Type.String({ description: 'file name' }) });

export const StoredFileSchema = Type.Object({
  name: Type.String(),
  size: Type.Integer(),
  md5: Type.String({ description: 'lower-case hex' }),
  sha256: Type.String({ description: 'lower-case hex' }),
  crc16: Type.String({ description: 'CRC-16/CCITT-FALSE, 4 upper-case hex digits' }),
  contentType: Type.String(),
  createdAt: IsoTime(),
  uploadedBy: Type.String(),
  url: Type.String({ description: '/files/<name>, where devices download it' }),
});

export const FileListSchema = Type.Object({ items: Type.Array(StoredFileSchema, { description: 'ordered by name' }), maxFileBytes: Type.Integer() });

export const UploadQuery = Type.Object({
  name: Type.String({ minLength: 1, description: 'the file name' }),
  replace: Type.Optional(Type.Boolean({ description: 'replace an existing file of that name' })),
});

export const UploadBody = Type.String({ format: 'binary', description: 'the file as the raw body (streamed, never parsed)' });

export const TransferProgressSchema = Type.Object({
  fileName: Type.String(),
  deviceId: Nullable(Type.String()),
  remoteAddress: Nullable(Type.String()),
  requests: Type.Integer(),
  bytesServed: Type.Integer(),
  coveredBytes: Type.Integer(),
  fileSize: Type.Integer(),
  completion: Type.Number({ description: '0 to 1' }),
  isComplete: Type.Boolean(),
  isStalled: Type.Boolean(),
  ranges: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()]), { description: 'merged, inclusive' }),
  firstAt: IsoTime(),
  lastProgressAt: IsoTime(),
  idleS: Type.Integer(),
});

export const TransferListSchema = Type.Object({ items: Type.Array(TransferProgressSchema) });

export const FileTransfersQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 100 })) });

export const FileTransfersSchema = Type.Object({
  file: StoredFileSchema,
  items: Type.Array(TransferProgressSchema),
  requests: Type.Array(
    Type.Object({
      id: Type.Integer(),
      fileName: Type.String(),
      deviceId: Nullable(Type.String()),
      remoteAddress: Nullable(Type.String()),
      rangeStart: Type.Integer(),
      rangeEnd: Type.Integer(),
      bytesSent: Type.Integer(),
      status: Type.Integer(),
      startedAt: IsoTime(),
      endedAt: IsoTime(),
    }),
    { description: 'the latest requests, newest last' },
  ),
});
