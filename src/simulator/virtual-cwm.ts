// One virtual ConnectWare Module, store-and-forward like the real one (PROTOCOL.md Part B 3.5):
// OKMs leave its queues only after `{"push":true}`; failures and 503 back off exponentially up to a
// limit; `pull:true` makes it pull until `pull:false`; inbound OKMs go to the CWM or the OKE addressed.

import { sealOkmCrc } from '../protocol/okm-crc.js';
import { signRequest } from '../protocol/request-signature.js';
import type { PlannedCwm } from './fleet-plan.js';
import type { SeededRandom } from './seeded-random.js';
import type { SimStats } from './sim-stats.js';
import type { SimTransport } from './sim-transport.js';
import { VirtualOke } from './virtual-oke.js';
import { CwmOwnCommands } from './cwm-own-commands.js';
import { fetchFile, parseFileOrder } from './file-fetcher.js';
import { readInboundOkm } from './inbound-okm.js';

export interface VirtualCwmOptions {
  readonly plan: PlannedCwm;
  readonly transport: SimTransport;
  readonly random: SeededRandom;
  readonly stats: SimStats;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  /** Logs unknown commands and refusals (one line each). */
  readonly log: (line: string) => void;
  /** Fires when the fleet stops for good: a file download in progress gives up (no retry, no back-off left). */
  readonly stopSignal?: AbortSignal;
  /** Adds `gwmac=<the site's gateway MAC>` to every /push and /pull (default true). */
  readonly isSendingGatewayMac?: boolean;
}

interface OutboundOkm {
  readonly sourceId: string;
  readonly okmId: number;
  readonly text: string;
}

/** Range size of file downloads: a buffer a CWM can hold while it trickles the file to its OKE. */
const FILE_CHUNK_BYTES = 64 * 1024;
/** Queue capacities reported in `msf`: telemetry, priority, inbound. */
const QUEUE_CAPACITY = { telemetry: 10_000, priority: 100, inbound: 10 } as const;

/** The CWM's clock in the `ts` style: local wall time without a zone. */
function localTimestamp(nowMs: number): string {
  const date = new Date(nowMs - new Date(nowMs).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 19);
}

export class VirtualCwm {
  readonly id: string;
  readonly okes: readonly VirtualOke[];
  private readonly options: VirtualCwmOptions;
  private readonly telemetryQueue: OutboundOkm[] = [];
  private readonly priorityQueue: OutboundOkm[] = [];
  private readonly nextIdBySource = new Map<string, number>();
  private readonly diag = [0, 0, 0, 0];
  private readonly ownCommands = new CwmOwnCommands();
  private readonly iface: 'wifi' | 'eth';
  private timers: NodeJS.Timeout[] = [];
  private isPumping = false;
  private isStopped = false;
  /** Heartbeats are off and the queues should empty quickly: back-off is capped at about 1 s. */
  private isDraining = false;
  private isSending = false;
  private backoffMs = 0;
  /** The `req` of the last pull sent, never sent twice (see pullUntilEmpty). */
  private lastPullReq = '';
  private hasReachedServer = false;
  private wakeUp: (() => void) | null = null;
  private pumpDone: Promise<void> = Promise.resolve();

  constructor(options: VirtualCwmOptions) {
    this.options = options;
    this.id = options.plan.id;
    this.okes = options.plan.okes.map((oke) => new VirtualOke(oke, options.random, options.intervalMs / 1000));
    this.iface = options.random.next() < 0.7 ? 'wifi' : 'eth';
  }

  /** Starts heartbeats after `startDelayMs` (spread so the fleet does not push in lockstep). */
  start(startDelayMs: number): void {
    const first = setTimeout(() => {
      this.queueHeartbeats();
      const every = setInterval(() => this.queueHeartbeats(), this.options.intervalMs);
      this.timers.push(every);
    }, startDelayMs);
    this.timers.push(first);
  }

  /** Stops heartbeats and waits for the request in flight (queued OKMs stay queued, as on a real CWM). */
  async stop(): Promise<void> {
    this.halt();
    await this.pumpDone;
  }

  /** Stops heartbeats and sending; a request in flight still completes unless the transport is closed (then it counts as nothing). */
  halt(): void {
    this.isStopped = true;
    this.stopHeartbeats();
    this.wakeUp?.();
  }

  /** Stops heartbeats and keeps sending what is queued, backing off at most 1 s (a back-off in progress ends now). */
  beginDrain(): void {
    this.stopHeartbeats();
    this.isDraining = true;
    this.backoffMs = Math.min(this.backoffMs, 1000);
    this.wakeUp?.();
  }

  /** Resolves once the queues are empty and nothing is in flight, or once halted. */
  async drain(): Promise<void> {
    while (this.queuedCount > 0 && !this.isStopped) {
      this.kick();
      await this.pumpDone;
    }
    await this.pumpDone;
  }

  /** Resolves when the pump has returned (after halt(): once the request in flight ends or is aborted). */
  settled(): Promise<void> {
    return this.pumpDone;
  }

  /** A push or pull is waiting for the server's answer. */
  get isRequestInFlight(): boolean {
    return this.isSending;
  }

  /** Up: has been acknowledged and is not backing off now. */
  get isUp(): boolean {
    return this.hasReachedServer && this.backoffMs === 0;
  }

  get queuedCount(): number {
    return this.telemetryQueue.length + this.priorityQueue.length;
  }

  get portSetting(): { port: string; baud: number } {
    return this.ownCommands.portSetting;
  }

  private stopHeartbeats(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  private queueHeartbeats(): void {
    for (const oke of this.okes) this.enqueue(this.telemetryQueue, oke.id, { _hbt: oke.heartbeat() });
    this.enqueue(this.telemetryQueue, this.id, { _hbt: this.cwmHeartbeat() });
    this.kick();
  }

  private cwmHeartbeat(): Record<string, unknown> {
    const random = this.options.random;
    return {
      ti: Math.round((36 + random.next() * 6) * 10) / 10,
      diag: [...this.diag],
      cfgpend: false,
      scan: false,
      port: this.ownCommands.portSetting.port,
      baud: this.ownCommands.portSetting.baud,
      sidx: 0,
      smax: 19,
      txp: this.queuedCount > 0,
      msf: [QUEUE_CAPACITY.telemetry, QUEUE_CAPACITY.priority, QUEUE_CAPACITY.inbound],
      rcon: '0003',
      '5v': 4950 + random.integer(0, 100),
      '12v': 11900 + random.integer(0, 250),
      if: this.iface,
    };
  }

  private enqueue(queue: OutboundOkm[], sourceId: string, payload: Record<string, unknown>, answerToId?: number): void {
    const okmId = answerToId ?? this.allocateId(sourceId);
    const source = sourceId === this.id ? [this.id] : [sourceId, this.id];
    const text = sealOkmCrc(
      `{"_src":${JSON.stringify(source)},"_cmd":"wr","_id":${okmId},"_ts":"${localTimestamp(Date.now())}","_crc":"0000","_pld":${JSON.stringify(payload)}}`,
    );
    if (queue === this.telemetryQueue && queue.length >= QUEUE_CAPACITY.telemetry) queue.shift();
    queue.push({ sourceId, okmId, text });
  }

  private allocateId(sourceId: string): number {
    const id = this.nextIdBySource.get(sourceId) ?? 1;
    this.nextIdBySource.set(sourceId, id + 1);
    return id;
  }

  private kick(): void {
    if (this.isPumping) {
      this.wakeUp?.();
      return;
    }
    this.isPumping = true;
    this.pumpDone = this.pump().finally(() => {
      this.isPumping = false;
    });
  }

  /**
   * The /push or /pull URL. The vendor says every message of a CWM carries `gwmac` (the site gateway's MAC,
   * PROTOCOL.md A, [S17]) but not where: here it is a query parameter of its own, outside `req`, so the
   * HMAC (over the text of `req` alone) is the same with it or without it.
   */
  private signedPath(path: string, req: string): string {
    const signed = `${path}?sha256hmac=${signRequest(req, this.options.plan.key)}&req=${encodeURIComponent(req)}`;
    return this.options.isSendingGatewayMac === false ? signed : `${signed}&gwmac=${encodeURIComponent(this.options.plan.gatewayMac)}`;
  }

  private async pump(): Promise<void> {
    while (!this.isStopped) {
      const queue = this.priorityQueue.length > 0 ? this.priorityQueue : this.telemetryQueue;
      const head = queue[0];
      if (!head) return;
      if (this.backoffMs > 0) {
        await this.sleep(this.backoffMs, true);
        if (this.isStopped) return;
      }
      const req = `{"okm":${head.text},"ts":"${localTimestamp(Date.now())}"}`;
      const started = performance.now();
      let isPullPending = false;
      this.isSending = true;
      try {
        const response = await this.options.transport.send('POST', this.signedPath('/push', req));
        const latencyMs = performance.now() - started;
        if (response.status === 200 && response.body.startsWith('{"push":true')) {
          queue.shift();
          this.backoffMs = 0;
          this.hasReachedServer = true;
          this.options.stats.recordAck(head.text, latencyMs);
          isPullPending = response.body.includes('"pull":true');
        } else if (response.status === 503 || response.status >= 500) {
          if (response.status === 503) this.options.stats.busy++;
          else this.options.stats.errors++;
          this.increaseBackoff(response.retryAfterS);
        } else {
          // The server refused this OKM for good (4xx): keep the rest of the queue moving.
          queue.shift();
          this.options.stats.rejected++;
          this.options.log(`${this.id}: push of ${head.sourceId}#${head.okmId} refused: ${response.status} ${response.body}`);
        }
      } catch {
        if (this.isStopped) return;
        this.options.stats.errors++;
        this.increaseBackoff(null);
      } finally {
        this.isSending = false;
      }
      if (isPullPending) await this.pullUntilEmpty();
    }
  }

  private async pullUntilEmpty(): Promise<void> {
    let isLastOkmGood = true;
    while (!this.isStopped) {
      let req = JSON.stringify({ devid: this.id, ts: localTimestamp(Date.now()), lokm: isLastOkmGood });
      // The clock has second resolution: a second pull within the same second would be the same text, which
      // the server refuses as a replay (docs/replay-protection.md). Wait for the next second instead.
      if (req === this.lastPullReq) {
        await this.sleep(1000 - (Date.now() % 1000) + 1, false);
        if (this.isStopped) return;
        req = JSON.stringify({ devid: this.id, ts: localTimestamp(Date.now()), lokm: isLastOkmGood });
      }
      this.lastPullReq = req;
      const started = performance.now();
      let body: string;
      this.isSending = true;
      try {
        const response = await this.options.transport.send('GET', this.signedPath('/pull', req));
        if (response.status !== 200) {
          if (response.status === 503) this.options.stats.busy++;
          else this.options.stats.errors++;
          this.increaseBackoff(response.retryAfterS);
          return;
        }
        body = response.body;
      } catch {
        if (this.isStopped) return;
        this.options.stats.errors++;
        this.increaseBackoff(null);
        return;
      } finally {
        this.isSending = false;
      }
      this.options.stats.recordPullLatency(performance.now() - started);
      const okmText = /^\{"okm":(.*),"pull":(?:true|false)\}$/s.exec(body)?.[1];
      isLastOkmGood = okmText === undefined ? true : this.receive(okmText);
      if (!body.endsWith('"pull":true}')) return;
    }
  }

  /** Handles one inbound OKM; false when it was unusable (bad CRC or JSON), as `lokm` reports. */
  private receive(okmText: string): boolean {
    this.diag[0] = (this.diag[0] ?? 0) + 1;
    const okm = readInboundOkm(okmText);
    if (okm.kind !== 'ok') {
      // diag: [received, CRC missing, CRC wrong, JSON unreadable]; a JSON value that is not an object counts as received only.
      const slot = okm.kind === 'crc-missing' ? 1 : okm.kind === 'crc-invalid' ? 2 : okm.kind === 'json-invalid' ? 3 : null;
      if (slot !== null) this.diag[slot] = (this.diag[slot] ?? 0) + 1;
      if (slot === 1 || slot === 2) this.options.stats.crcFailuresSeen++;
      return false;
    }
    const { payload, cmd, okmId } = okm;
    this.options.stats.commandsReceived++;
    const targetId = okm.destination[0] ?? this.id;
    const fileOrder = targetId === this.id ? parseFileOrder(payload) : null;
    if (fileOrder !== null) {
      // Answered when the download is over (file-fetcher.ts); the CWM keeps pushing meanwhile.
      this.fetchOrderedFile(fileOrder, okmId).catch((error: unknown) => {
        this.options.log(`${this.id}: fetching the ordered file ${fileOrder.name} (message ${okmId}) failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      return true;
    }
    if (targetId === this.id) {
      const result = this.ownCommands.execute(payload);
      if (!result.isKnown) {
        this.options.stats.unknownCommands++;
        this.options.log(`${this.id}: acknowledged an unknown CWM payload ${JSON.stringify(payload)}`);
      }
      this.enqueue(this.priorityQueue, this.id, result.payload, okmId);
    } else {
      const oke = this.okes.find((candidate) => candidate.id === targetId);
      if (!oke) {
        this.options.stats.unknownCommands++;
        this.options.log(`${this.id}: message for unknown OKE ${targetId} dropped`);
        return true;
      }
      const result = oke.execute(cmd, payload);
      if (!result.isKnown) {
        this.options.stats.unknownCommands++;
        this.options.log(`${this.id}: ${oke.id} acknowledged an unknown payload ${JSON.stringify(payload)}`);
      }
      this.enqueue(this.priorityQueue, oke.id, result.payload, okmId);
    }
    this.options.stats.commandsAnswered++;
    this.kick();
    return true;
  }

  /** Downloads a file the server told us about, then answers the message with the outcome. */
  private async fetchOrderedFile(order: { name: string; md5: string | null }, okmId: number): Promise<void> {
    const stats = this.options.stats;
    const fetchBytes = this.options.transport.fetchBytes;
    const result = fetchBytes
      ? await fetchFile(fetchBytes, order, {
          chunkBytes: FILE_CHUNK_BYTES,
          maxAttemptsPerChunk: 6,
          firstBackoffMs: 200,
          maxBackoffMs: this.options.maxBackoffMs,
          signal: this.options.stopSignal,
          signQuery: (name) => {
            const req = JSON.stringify({ devid: this.id, file: name, ts: localTimestamp(Date.now()) });
            return `sha256hmac=${signRequest(req, this.options.plan.key)}&req=${encodeURIComponent(req)}`;
          },
        })
      : ({ ok: false, name: order.name, error: 'this transport cannot download files', requests: 0, retries: 0 } as const);
    if (result.ok) {
      stats.filesFetched++;
      stats.fileBytes += result.size;
    } else {
      stats.fileFailures++;
      this.options.log(`${this.id}: fetching ${order.name} failed: ${result.error}`);
    }
    this.enqueue(this.priorityQueue, this.id, { file: result }, okmId);
    this.options.stats.commandsAnswered++;
    this.kick();
  }

  private increaseBackoff(retryAfterS: number | null): void {
    const doubled = this.backoffMs === 0 ? 1000 : this.backoffMs * 2;
    const jitter = 0.8 + this.options.random.next() * 0.4;
    // Draining: about 1 s at most, jittered too, or every CWM the server turned away retries in the same instant.
    const limitMs = this.isDraining ? Math.min(1000 * jitter, this.options.maxBackoffMs) : this.options.maxBackoffMs;
    this.backoffMs = Math.min(limitMs, Math.max(doubled * jitter, (retryAfterS ?? 0) * 1000));
  }

  /**
   * Waits `ms`, or less when halted. A back-off (`isBackoff`) also ends when draining begins or new work is
   * queued during a drain; the wait for the next second before a pull never ends early (its `req` would repeat).
   */
  private sleep(ms: number, isBackoff: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        if (!this.isStopped && !(isBackoff && this.isDraining)) return;
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }
}
