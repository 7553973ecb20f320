// How a virtual CWM fetches a file it is told about (our profile, PROTOCOL.md A7): a pulled message
// `{"file":{"name":"fw.bin","md5":"<hex>"}}` addressed to the CWM makes it download /files/<name> in
// ranged chunks (If-Range on the first ETag, so a file replaced meanwhile restarts cleanly), retrying
// each chunk with exponential back-off, and checking the MD5 at the end. The CWM answers the message
// with `{"file":{"name","ok":true,"size","md5","requests","retries"}}` or `{"file":{"name","ok":false,"error"}}`.

import { createHash, type Hash } from 'node:crypto';
import { isJsonObject } from '../protocol/upstream-okm.js';

export interface FileOrder {
  readonly name: string;
  /** Expected MD5 (lower-case hex), when the message gives one. */
  readonly md5: string | null;
}

export interface ByteResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Fetches `path` with extra request headers; rejects on a network failure. */
export type FetchBytes = (path: string, headers: Readonly<Record<string, string>>) => Promise<ByteResponse>;

export interface FileFetchOptions {
  readonly chunkBytes: number;
  readonly maxAttemptsPerChunk: number;
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  /** The query string that signs a request for `name` (without `?`). */
  readonly signQuery: (name: string) => string;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Ends the download (the fleet's hard stop): no more requests, no back-off left waiting. */
  readonly signal?: AbortSignal | undefined;
}

export type FileFetchResult =
  | { readonly ok: true; readonly name: string; readonly size: number; readonly md5: string; readonly requests: number; readonly retries: number }
  | { readonly ok: false; readonly name: string; readonly error: string; readonly requests: number; readonly retries: number };

/** The file order in a CWM payload, or null when the payload is something else. */
export function parseFileOrder(payload: Record<string, unknown>): FileOrder | null {
  const order = payload['file'];
  if (!isJsonObject(order) || typeof order['name'] !== 'string') return null;
  const md5 = order['md5'];
  return { name: order['name'], md5: typeof md5 === 'string' ? md5.toLowerCase() : null };
}

const TOTAL_SIZE = /^bytes \d+-\d+\/(\d+)$/;

export async function fetchFile(fetchBytes: FetchBytes, order: FileOrder, options: FileFetchOptions): Promise<FileFetchResult> {
  const signal = options.signal;
  const sleep = options.sleep ?? ((ms: number) => sleepUnlessAborted(ms, signal));
  let requests = 0;
  let retries = 0;
  let md5: Hash = createHash('md5');
  let offset = 0;
  let totalSize: number | null = null;
  let etag: string | null = null;
  const fail = (error: string): FileFetchResult => ({ ok: false, name: order.name, error, requests, retries });

  while (totalSize === null || offset < totalSize) {
    const last = totalSize === null ? offset + options.chunkBytes - 1 : Math.min(totalSize - 1, offset + options.chunkBytes - 1);
    const headers: Record<string, string> = { range: `bytes=${offset}-${last}` };
    if (etag !== null) headers['if-range'] = etag;
    let response: ByteResponse | null = null;
    let lastProblem = '';
    for (let attempt = 1; attempt <= options.maxAttemptsPerChunk; attempt++) {
      if (signal?.aborted === true) return fail(`stopped at byte ${offset}`);
      requests++;
      try {
        const answer = await fetchBytes(`/files/${encodeURIComponent(order.name)}?${options.signQuery(order.name)}`, headers);
        if (answer.status === 200 || answer.status === 206 || answer.status === 416) {
          response = answer;
          break;
        }
        lastProblem = `HTTP ${answer.status}`;
        // A refusal that no retry can change.
        if (answer.status === 404 || answer.status === 400 || answer.status === 401) return fail(lastProblem);
        const retryAfterS = Number(answer.headers['retry-after']);
        if (attempt < options.maxAttemptsPerChunk) {
          retries++;
          await sleep(Math.max(backoffMs(options, attempt), Number.isFinite(retryAfterS) ? retryAfterS * 1000 : 0));
        }
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
        if (attempt < options.maxAttemptsPerChunk) {
          retries++;
          await sleep(backoffMs(options, attempt));
        }
      }
    }
    if (response === null) return fail(`gave up at byte ${offset}: ${lastProblem}`);
    if (response.status === 416) {
      // Only an empty file (or one that shrank) has no byte at our offset.
      const size = Number(/^bytes \*\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1] ?? NaN);
      if (size === 0 && offset === 0) {
        totalSize = 0;
        break;
      }
      return fail(`range ${offset}- refused for a file of ${size} bytes`);
    }
    if (response.status === 200) {
      // The whole file: the server ignored the range, or the file changed since our first chunk.
      md5 = createHash('md5').update(response.body);
      offset = response.body.length;
      totalSize = offset;
      break;
    }
    const size = Number(TOTAL_SIZE.exec(response.headers['content-range'] ?? '')?.[1] ?? NaN);
    if (!Number.isSafeInteger(size)) return fail('206 without a usable Content-Range');
    totalSize = size;
    etag ??= response.headers['etag'] ?? null;
    md5.update(response.body);
    offset += response.body.length;
    if (response.body.length === 0) return fail(`empty part at byte ${offset}`);
  }
  const digest = md5.digest('hex');
  if (order.md5 !== null && digest !== order.md5) return fail(`md5 ${digest} does not match ${order.md5}`);
  return { ok: true, name: order.name, size: offset, md5: digest, requests, retries };
}

function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function backoffMs(options: FileFetchOptions, attempt: number): number {
  return Math.min(options.maxBackoffMs, options.firstBackoffMs * 2 ** (attempt - 1));
}
