// The storage port for the traffic recorder: every device request, raw, with our answer.

export interface TrafficEntry {
  /** The registered device the request belongs to, or null for an unknown sender. */
  readonly deviceId: string | null;
  /** The id the request claimed (devid or `_src`), registered or not. */
  readonly claimedDeviceId: string | null;
  readonly receivedAtMs: number;
  readonly remoteAddress: string | null;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly status: number;
  readonly response: string;
  readonly durationMs: number;
  readonly signatureVerdict: string | null;
  readonly crcVerdict: string | null;
  readonly errorCode: string | null;
  /** The client certificate presented (mutual TLS, or a trusted proxy's X-Client-Subject), if any. */
  readonly clientCertSubject: string | null;
  readonly clientCertSerial: string | null;
}

export interface StoredTrafficEntry extends TrafficEntry {
  readonly id: number;
}

export interface TrafficQuery {
  /** A device id, or null for the unknown senders; undefined for all. */
  readonly deviceId?: string | null;
  readonly limit: number;
}

export interface TrafficStore {
  /** Appends an entry, keeping at most `keepPerBucket` entries per device (and for unknown senders together). */
  recordTraffic(entry: TrafficEntry, keepPerBucket: number): Promise<void>;
  /** Newest last. */
  listTraffic(query: TrafficQuery): Promise<StoredTrafficEntry[]>;
}
