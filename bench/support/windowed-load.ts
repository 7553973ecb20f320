// A closed-loop load client that runs until stopped and hands out its figures window by window: the
// soak scenario reads req/s and latency percentiles for each 10-s window of one long uninterrupted run
// (load-client.ts measures one fixed duration and closes its connections at the end).

import { Pool } from 'undici';

export interface LoadWindow {
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly durationS: number;
  /** Latencies of the window's 2xx answers, sorted ascending. */
  readonly latenciesMs: Float64Array;
}

export interface ClosedLoop {
  /** What happened since the previous call (or the start). */
  takeWindow(): LoadWindow;
  /** Lets every connection finish its request in flight, then closes them. */
  stop(): Promise<void>;
}

export interface ClosedLoopOptions {
  readonly url: string;
  readonly ca?: string | null;
  readonly connections: number;
  readonly nextRequest: (n: number) => { method: 'GET' | 'POST'; path: string };
}

export function startClosedLoop(options: ClosedLoopOptions): ClosedLoop {
  const pool = new Pool(options.url, {
    connections: options.connections,
    pipelining: 1,
    connect: options.ca ? { ca: options.ca, servername: 'localhost' } : undefined,
    keepAliveTimeout: 60_000,
  });
  let latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let windowStart = performance.now();
  let counter = 0;
  let isStopping = false;
  const loop = async (): Promise<void> => {
    while (!isStopping) {
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
  const loops = Promise.all(Array.from({ length: options.connections }, loop));
  return {
    takeWindow() {
      const now = performance.now();
      const window: LoadWindow = {
        requests: latencies.length,
        errors,
        non2xx,
        durationS: (now - windowStart) / 1000,
        latenciesMs: Float64Array.from(latencies).sort(),
      };
      latencies = [];
      errors = 0;
      non2xx = 0;
      windowStart = now;
      return window;
    },
    async stop() {
      isStopping = true;
      await loops;
      await pool.close();
    },
  };
}
