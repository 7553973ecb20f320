// Start-up time of `opentps serve` on the embedded defaults (HTTPS with the self-signed certificate, SQLite on
// its store thread): from spawning the process to the first TLS handshake it accepts, on a fresh data
// directory (certificate, store and first operator created) and on an existing one. One scenario, several
// entries, so that two builds compare on one machine in one run:
//   node --import tsx bench/startup-time.ts [--runs 5] [--entry LABEL=PATH/TO/SCRIPT.mjs ...]
// Default entries: the compiled bin/opentps.mjs and the sources through tsx (scripts/opentps-dev.mjs). For the
// tree before the compiled build, whose bin/opentps.mjs ran the sources through tsx:
//   --entry base=/tmp/base/bin/opentps.mjs --entry compiled=bin/opentps.mjs

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { parseArgs } from 'node:util';
import { environmentHeader } from './support/bench-report.js';

const POLL_MS = 2;
const GIVE_UP_MS = 60_000;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, entry: { type: 'string', multiple: true } } });
const runs = Number(values.runs);
const entries = (values.entry ?? ['compiled=bin/opentps.mjs', 'sources=scripts/opentps-dev.mjs']).map((spec) => {
  const at = spec.indexOf('=');
  return { label: spec.slice(0, at), script: spec.slice(at + 1) };
});

/** A port free now (the server is given it, so the bench knows where to knock). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Resolves once a TLS handshake with 127.0.0.1:port completes; retries while the port refuses. */
async function waitForTls(port: number, startedAt: number): Promise<void> {
  for (;;) {
    const isAccepted = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (isAccepted) return;
    if (performance.now() - startedAt > GIVE_UP_MS) throw new Error(`no TLS on port ${port} after ${GIVE_UP_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Milliseconds from spawn to the first accepted TLS handshake; the server is then stopped with SIGTERM. */
async function measureOnce(script: string, dataDir: string): Promise<number> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, [script, 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, OPENTPS_ADMIN_PASSWORD: 'startup time bench' },
  });
  try {
    await waitForTls(port, startedAt);
    return performance.now() - startedAt;
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (samples: readonly number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

console.log(environmentHeader());
console.log(`load average at start: ${loadavg().map((load) => load.toFixed(2)).join(' ')}; ${runs} runs per cell, entries alternated`);
const samples = new Map<string, number[]>();
const existingDirs = new Map<string, string>();
for (let run = 0; run < runs; run++) {
  // Alternating the entries spreads any change of machine load over all of them.
  for (const entry of entries) {
    const fresh = mkdtempSync(join(tmpdir(), 'opentps-startup-'));
    samples.set(`${entry.label} fresh`, [...(samples.get(`${entry.label} fresh`) ?? []), await measureOnce(entry.script, fresh)]);
    rmSync(fresh, { recursive: true, force: true });
    let existing = existingDirs.get(entry.label);
    if (existing === undefined) {
      // A data directory that one start already initialised (certificate, store, operator).
      existing = mkdtempSync(join(tmpdir(), 'opentps-startup-'));
      existingDirs.set(entry.label, existing);
      await measureOnce(entry.script, existing);
    }
    samples.set(`${entry.label} existing`, [...(samples.get(`${entry.label} existing`) ?? []), await measureOnce(entry.script, existing)]);
  }
}
for (const dir of existingDirs.values()) rmSync(dir, { recursive: true, force: true });
console.log(`load average at end: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
console.log('| entry | data directory | median ms | min ms | max ms |');
console.log('|---|---|---:|---:|---:|');
for (const [cell, times] of samples) {
  const [label, dir] = cell.split(' ');
  console.log(`| ${label} | ${dir} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)} | ${Math.max(...times).toFixed(0)} |`);
}
