// What pushes and requests change on devices and their state rows (last seen, counters, the heartbeat
// interval, latest values), gathered in memory and written behind the acknowledgement (issue 13): at fleet
// scale each device pushes about once a minute, so a write per push touches a random page of the devices
// and device-state tables for every request; gathered for a second, one write covers them all, in key
// order. The OKM itself is never in here: it is committed before its `{"push":true}`. A crash loses at
// most what was gathered since the last write: last-seen times, counters and latest values of that
// last second, never an OKM.

import type { PushRecord } from './telemetry-store.js';

/** Heartbeat times kept per CWM between two writes: a CWM draining a backlog sends many a second. */
const MAX_HEARTBEAT_TIMES = 16;

/** What one CWM's requests since the last write add to its device row. */
export interface CwmActivity {
  readonly cwmId: string;
  lastSeenAtMs: number;
  /** The newest known remote address; null keeps the stored one. */
  remoteAddress: string | null;
  okmCount: number;
  crcFailureCount: number;
  /** Receive times of the CWM's own heartbeats, oldest first: each moves its typical interval. */
  readonly heartbeatAtMs: number[];
}

/** What one origin device's stored OKMs since the last write make of its state row. */
export interface OriginActivity {
  readonly deviceId: string;
  cwmId: string;
  readonly firstSeenAtMs: number;
  lastSeenAtMs: number;
  lastOkmRowId: number;
  lastHeartbeat: Record<string, unknown> | null;
  lastHeartbeatAtMs: number | null;
  /** Heartbeat fields with their newest values, laid over the stored latest values when written. */
  readonly fieldsPatch: Record<string, unknown>;
}

/** Everything gathered between two writes, each device once. */
export interface DeviceActivityBatch {
  readonly cwms: ReadonlyMap<string, CwmActivity>;
  readonly origins: ReadonlyMap<string, OriginActivity>;
}

export class DeviceActivityBuffer {
  private cwms = new Map<string, CwmActivity>();
  private origins = new Map<string, OriginActivity>();

  /** Devices with something to write. */
  get size(): number {
    return this.cwms.size + this.origins.size;
  }

  /** A request from the CWM that stored nothing (a /pull, a re-sent OKM). */
  noteSeen(cwmId: string, atMs: number, remoteAddress: string | null): void {
    this.cwmOf(cwmId, atMs, remoteAddress);
  }

  /** A push whose OKM was stored (committed) as row `okmRowId`. */
  noteStored(record: PushRecord, okmRowId: number): void {
    const cwm = this.cwmOf(record.cwmId, record.receivedAtMs, record.remoteAddress);
    cwm.okmCount++;
    if (record.crcVerdict !== 'valid') cwm.crcFailureCount++;
    if (record.heartbeat !== null && record.originId === record.cwmId) pushHeartbeatTime(cwm.heartbeatAtMs, record.receivedAtMs);
    let origin = this.origins.get(record.originId);
    if (!origin) {
      origin = {
        deviceId: record.originId, cwmId: record.cwmId, firstSeenAtMs: record.receivedAtMs, lastSeenAtMs: record.receivedAtMs,
        lastOkmRowId: okmRowId, lastHeartbeat: null, lastHeartbeatAtMs: null, fieldsPatch: {},
      };
      this.origins.set(record.originId, origin);
    }
    origin.cwmId = record.cwmId;
    origin.lastSeenAtMs = Math.max(origin.lastSeenAtMs, record.receivedAtMs);
    origin.lastOkmRowId = Math.max(origin.lastOkmRowId, okmRowId);
    if (record.heartbeat !== null) {
      origin.lastHeartbeat = record.heartbeat;
      origin.lastHeartbeatAtMs = record.receivedAtMs;
      Object.assign(origin.fieldsPatch, record.heartbeat);
    }
  }

  /** Takes everything gathered so far; the buffer starts empty. */
  take(): DeviceActivityBatch {
    const batch = { cwms: this.cwms, origins: this.origins };
    this.cwms = new Map();
    this.origins = new Map();
    return batch;
  }

  /** Puts back a batch whose write failed, under what was gathered since (which is newer). */
  restore(older: DeviceActivityBatch): void {
    for (const [id, old] of older.cwms) {
      const newer = this.cwms.get(id);
      if (!newer) {
        this.cwms.set(id, old);
        continue;
      }
      newer.lastSeenAtMs = Math.max(newer.lastSeenAtMs, old.lastSeenAtMs);
      newer.remoteAddress ??= old.remoteAddress;
      newer.okmCount += old.okmCount;
      newer.crcFailureCount += old.crcFailureCount;
      const times = [...old.heartbeatAtMs, ...newer.heartbeatAtMs].slice(-MAX_HEARTBEAT_TIMES);
      newer.heartbeatAtMs.splice(0, newer.heartbeatAtMs.length, ...times);
    }
    for (const [id, old] of older.origins) {
      const newer = this.origins.get(id);
      if (!newer) {
        this.origins.set(id, old);
        continue;
      }
      this.origins.set(id, {
        ...newer,
        firstSeenAtMs: Math.min(newer.firstSeenAtMs, old.firstSeenAtMs),
        lastHeartbeat: newer.lastHeartbeat ?? old.lastHeartbeat,
        lastHeartbeatAtMs: newer.lastHeartbeatAtMs ?? old.lastHeartbeatAtMs,
        fieldsPatch: { ...old.fieldsPatch, ...newer.fieldsPatch },
      });
    }
  }

  private cwmOf(cwmId: string, atMs: number, remoteAddress: string | null): CwmActivity {
    let cwm = this.cwms.get(cwmId);
    if (!cwm) {
      cwm = { cwmId, lastSeenAtMs: atMs, remoteAddress, okmCount: 0, crcFailureCount: 0, heartbeatAtMs: [] };
      this.cwms.set(cwmId, cwm);
      return cwm;
    }
    if (atMs >= cwm.lastSeenAtMs) {
      cwm.lastSeenAtMs = atMs;
      if (remoteAddress !== null) cwm.remoteAddress = remoteAddress;
    }
    return cwm;
  }
}

function pushHeartbeatTime(times: number[], atMs: number): void {
  times.push(atMs);
  if (times.length > MAX_HEARTBEAT_TIMES) times.shift();
}


export interface DeviceActivityWriterOptions {
  /** Writes one batch in one transaction; rejects when the store refused it (the batch is then kept). */
  readonly write: (batch: DeviceActivityBatch) => Promise<void>;
  /** How often what was gathered is written (the most a crash can lose). */
  readonly intervalMs: number;
  /**
   * Devices per write transaction: each is its own write, so pushes committed between two of them wait for
   * one chunk, never for a whole second's worth (DEVICE_ACTIVITY_CHUNK).
   */
  readonly maxDevicesPerWrite?: number;
  /** Told of each write that failed, with the devices still waiting; the write is retried next interval. */
  readonly onWriteFailed?: (error: unknown, pendingDevices: number) => void;
}

export interface DeviceActivityWriter {
  readonly buffer: DeviceActivityBuffer;
  /**
   * Writes what was gathered until now (after a write in progress). Resolves false when the store refused it:
   * the batch waits for the next attempt, and the caller goes on (acknowledgements never wait for this).
   */
  flush(): Promise<boolean>;
  /** Stops the timer and writes what is left. */
  close(): Promise<boolean>;
}

/**
 * Devices per write. Pushes wait behind a write in progress, so the chunk is the longest wait it adds: with
 * the realistic fleet at 60,000 CWMs, chunks of 100 (and rollup chunks of 250) took push p99 from 203 ms
 * to 67 ms (npm run bench -- --only fleet --fleet-steps 60000, quiet machine).
 */
export const DEVICE_ACTIVITY_CHUNK = 100;

/** A batch cut in batches of at most `size` devices, CWMs and origins each in key order. */
export function chunkDeviceActivity(batch: DeviceActivityBatch, size: number): DeviceActivityBatch[] {
  const entries = [
    ...[...batch.cwms.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, cwm]) => ({ kind: 'cwm' as const, id, cwm })),
    ...[...batch.origins.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, origin]) => ({ kind: 'origin' as const, id, origin })),
  ];
  const chunks: DeviceActivityBatch[] = [];
  for (let i = 0; i < entries.length; i += size) {
    const cwms = new Map<string, CwmActivity>();
    const origins = new Map<string, OriginActivity>();
    for (const entry of entries.slice(i, i + size)) {
      if (entry.kind === 'cwm') cwms.set(entry.id, entry.cwm);
      else origins.set(entry.id, entry.origin);
    }
    chunks.push({ cwms, origins });
  }
  return chunks;
}

export function createDeviceActivityWriter(options: DeviceActivityWriterOptions): DeviceActivityWriter {
  const buffer = new DeviceActivityBuffer();
  const chunkSize = options.maxDevicesPerWrite ?? DEVICE_ACTIVITY_CHUNK;
  let last: Promise<boolean> = Promise.resolve(true);
  const writeGathered = async (): Promise<boolean> => {
    if (buffer.size === 0) return true;
    const chunks = chunkDeviceActivity(buffer.take(), chunkSize);
    for (const [i, chunk] of chunks.entries()) {
      try {
        await options.write(chunk);
      } catch (error) {
        // The chunks written stay written (their counters must not be added twice); the rest wait.
        for (const unwritten of chunks.slice(i)) buffer.restore(unwritten);
        options.onWriteFailed?.(error, buffer.size);
        return false;
      }
    }
    return true;
  };
  const flush = (): Promise<boolean> => {
    last = last.then(writeGathered, writeGathered);
    return last;
  };
  // flush() never rejects: writeGathered hands a failed write to onWriteFailed (logged and counted by the store) and keeps it for the next round.
  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    buffer,
    flush,
    close() {
      clearInterval(timer);
      return flush();
    },
  };
}
