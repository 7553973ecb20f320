// An open-loop load client: requests start on a fixed schedule (not when the previous answer comes
// back), so latency is measured as a device fleet sees it at a given request rate.

import { Pool } from 'undici';
import type { LoadResult } from './load-client.js';

export interface RateLoadOptions {
  readonly url: string;
  readonly ca?: string | null;
  readonly requestsPerS: number;
  readonly durationMs: number;
  readonly maxConnections: number;
  readonly nextRequest: () => { method: 'GET' | 'POST'; path: string };
}

export async function runRateLoad(options: RateLoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, {
    connections: options.maxConnections,
    pipelining: 1,
    connect: options.ca ? { ca: options.ca, servername: 'localhost' } : undefined,
  });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const total = Math.floor((options.requestsPerS * options.durationMs) / 1000);
  const tickMs = 5;
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * options.requestsPerS) / 1000));
    for (; sent < due; sent++) {
      const { method, path } = options.nextRequest();
      const t0 = performance.now();
      const request = pool
        .request({ method, path })
        .then(async (response) => {
          await response.body.text();
          if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
          else latencies.push(performance.now() - t0);
        })
        .catch(() => {
          errors++;
        })
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await Promise.all(inFlight);
  const durationS = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  const at = (fraction: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
  return { requests: latencies.length, errors, non2xx, durationS, requestsPerS: latencies.length / durationS, p50Ms: at(0.5), p99Ms: at(0.99) };
}
