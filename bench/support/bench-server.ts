// Starts a process to benchmark (OpenTPS or the ceiling) and learns its URL from its first log line;
// prepares an OpenTPS data directory with registered devices first.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openSqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface BenchServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly ca: string | null;
  readonly dataDir: string | null;
  /** Calls `listener` with every later line the process writes to stdout (its JSON log). */
  onLogLine(listener: (line: string) => void): void;
  stop(): Promise<void>;
}

export async function startProcess(args: readonly string[], dataDir: string | null, isTls: boolean): Promise<BenchServer> {
  // A fixed operator password keeps the first-start banner (a generated password) out of the bench output.
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: REPO_ROOT,
    env: { ...process.env, OPENTPS_ADMIN_PASSWORD: 'benchmark-operator-password' },
  });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const logListeners: Array<(line: string) => void> = [];
  lines.on('line', (line) => logListeners.forEach((listener) => listener(line)));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /"url":"([^"]+)"/.exec(line);
      if (match?.[1]) resolve(match[1].replace('localhost', '127.0.0.1'));
    });
  });
  const ca = isTls && dataDir ? readFileSync(join(dataDir, 'tls', 'self-signed-cert.pem'), 'utf8') : null;
  return {
    child,
    url,
    ca,
    dataDir,
    onLogLine: (listener) => logListeners.push(listener),
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers `count` CWMs (ids `0002` + 12 hex digits, keys `bench-key-N`) in a new data directory. */
export async function prepareDataDir(count: number): Promise<{ dataDir: string; keys: Map<string, string> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opentps-bench-'));
  const keys = new Map<string, string>();
  for (let i = 0; i < count; i++) keys.set(`0002${i.toString(16).padStart(12, '0')}`, `bench-key-${i.toString().padStart(6, '0')}`);
  await registerDevices(dataDir, keys);
  return { dataDir, keys };
}

/** Registers the given CWM ids and keys, many per commit. */
export async function registerDevices(dataDir: string, keys: ReadonlyMap<string, string>): Promise<void> {
  const store = openSqliteStore({ dataDir, durability: 'normal', busyTimeoutMs: 5000 });
  const entries = [...keys];
  for (let i = 0; i < entries.length; i += 2000) {
    await Promise.all(entries.slice(i, i + 2000).map(([id, key]) => store.addDevice({ id, key, name: null, createdAtMs: Date.now() })));
  }
  await store.close();
}

/** A new, empty data directory. */
export function createBenchDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'opentps-bench-'));
}

export async function startOpenTps(dataDir: string, extraArgs: readonly string[]): Promise<BenchServer> {
  const isTls = !extraArgs.includes('--http');
  // A closed loop drives each of its CWMs at ~10 requests/s, past the default per-device limit: the bench
  // measures the server's work, so the limit is off. Every load client connects from 127.0.0.1, so the
  // per-address connection cap is lifted too (--connections may pass the default 1,000).
  return startProcess(
    ['scripts/opentps-dev.mjs', 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--device-requests-per-minute', '0', '--max-connections-per-address', '1000000', ...extraArgs],
    dataDir,
    isTls,
  );
}

export function startCeiling(): Promise<BenchServer> {
  return startProcess([join(import.meta.dirname, 'ceiling-server.mjs')], null, false);
}
