// The traffic row as both backends return it, and its domain record.

import type { StoredTrafficEntry } from '../../../domain/traffic-store.js';

/** The bucket of requests from unknown senders. */
export const UNKNOWN_TRAFFIC_BUCKET = '';

export const TRAFFIC_COLUMNS =
  'id, bucket, claimed_device_id, received_at, remote_address, method, url, headers, body, status, response, duration_ms, signature_verdict, crc_verdict, error_code, client_cert_subject, client_cert_serial';

export interface TrafficRow {
  id: number;
  bucket: string;
  claimed_device_id: string | null;
  received_at: number;
  remote_address: string | null;
  method: string;
  url: string;
  headers: string;
  body: string;
  status: number;
  response: string;
  duration_ms: number;
  signature_verdict: string | null;
  crc_verdict: string | null;
  error_code: string | null;
  client_cert_subject: string | null;
  client_cert_serial: string | null;
}

export function toStoredEntry(row: TrafficRow): StoredTrafficEntry {
  const headers: unknown = JSON.parse(row.headers);
  return {
    id: row.id,
    deviceId: row.bucket === UNKNOWN_TRAFFIC_BUCKET ? null : row.bucket,
    claimedDeviceId: row.claimed_device_id,
    receivedAtMs: row.received_at,
    remoteAddress: row.remote_address,
    method: row.method,
    url: row.url,
    headers: typeof headers === 'object' && headers !== null ? (headers as Record<string, string>) : {},
    body: row.body,
    status: row.status,
    response: row.response,
    durationMs: row.duration_ms,
    signatureVerdict: row.signature_verdict,
    crcVerdict: row.crc_verdict,
    errorCode: row.error_code,
    clientCertSubject: row.client_cert_subject,
    clientCertSerial: row.client_cert_serial,
  };
}
