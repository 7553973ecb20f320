// GET /api/v1/traffic: the device requests the traffic recorder kept (docs/api.md "Traffic").

import { Type } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common-schemas.js';

export const TrafficQuery = Type.Object({
  device: Type.Optional(Type.String({ description: 'a device id, or "unknown" for senders not registered' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 100 })),
});

export const TrafficEntrySchema = Type.Object({
  id: Type.Integer(),
  deviceId: Nullable(Type.String({ description: 'the registered device, or null for an unknown sender' })),
  claimedDeviceId: Nullable(Type.String({ description: 'the id the request claimed' })),
  receivedAt: IsoTime(),
  remoteAddress: Nullable(Type.String()),
  method: Type.String(),
  url: Type.String({ description: 'signatures read [redacted]' }),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.String(),
  status: Type.Integer(),
  response: Type.String(),
  durationMs: Type.Number(),
  signatureVerdict: Nullable(Type.String()),
  crcVerdict: Nullable(Type.String()),
  errorCode: Nullable(Type.String()),
  clientCertSubject: Nullable(Type.String({ description: 'the client certificate presented over mutual TLS' })),
  clientCertSerial: Nullable(Type.String()),
});

export const TrafficListSchema = Type.Object({ items: Type.Array(TrafficEntrySchema, { description: 'newest last' }) });
