// A closed-loop load client: `connections` keep-alive connections, each sending the next prepared
// request as soon as the previous answer arrives, for a fixed duration. Latency per request.

import { Pool } from 'undici';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly durationS: number;
  readonly requestsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly ca?: string | null;
  readonly connections: number;
  readonly durationMs: number;
  /** Called for the n-th request; returns method and path. */
  readonly nextRequest: (n: number) => { method: 'GET' | 'POST'; path: string };
}

/** The value at `fraction` (0..1) of latencies sorted ascending; NaN when there are none. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, {
    connections: options.connections,
    pipelining: 1,
    connect: options.ca ? { ca: options.ca, servername: 'localhost' } : undefined,
    keepAliveTimeout: 60_000,
  });
  const latencies: number[] = [];
  let counter = 0;
  let errors = 0;
  let non2xx = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const { method, path } = options.nextRequest(counter++);
      const t0 = performance.now();
      try {
        const response = await pool.request({ method, path });
        await response.body.text();
        if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
        else latencies.push(performance.now() - t0);
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
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
  };
}
