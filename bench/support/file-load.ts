// A closed-loop download client: `connections` keep-alive connections, each fetching the next
// prepared request (path and headers, e.g. a Range) as soon as the previous body has been read in
// full, for a fixed duration. Counts requests, bytes and latency to the last byte.

import { Pool } from 'undici';
import { percentile } from './load-client.js';

export interface FileLoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly durationS: number;
  readonly requestsPerS: number;
  readonly megabytesPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface FileLoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationMs: number;
  readonly nextRequest: (n: number) => { path: string; headers: Record<string, string> };
  /** Every answer must carry exactly this many body bytes (else it counts as an error). */
  readonly expectedBytes: number;
}

export async function runFileLoad(options: FileLoadOptions): Promise<FileLoadResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let counter = 0;
  let errors = 0;
  let non2xx = 0;
  let bytes = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const { path, headers } = options.nextRequest(counter++);
      const t0 = performance.now();
      try {
        const response = await pool.request({ method: 'GET', path, headers });
        let received = 0;
        for await (const chunk of response.body) received += (chunk as Buffer).length;
        if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
        else if (received !== options.expectedBytes) errors++;
        else {
          bytes += received;
          latencies.push(performance.now() - t0);
        }
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const durationS = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    non2xx,
    durationS,
    requestsPerS: latencies.length / durationS,
    megabytesPerS: bytes / 1048576 / durationS,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}
