// Starts the real `opentps` command as a child process, the way an operator does, and learns its URL from
// the start-up log line. Also runs one-shot CLI commands. From the TypeScript sources through tsx by default
// (a stale dist/ never makes a test pass); test/compiled-build.test.ts runs the compiled bin/opentps.mjs.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** How `opentps` is started: a script and the node options before it. */
export interface OpentpsEntry {
  readonly script: string;
  readonly nodeArgs: readonly string[];
}

/** The sources, through tsx (scripts/opentps-dev.mjs, as `npm run dev`). */
export const SOURCE_ENTRY: OpentpsEntry = { script: join(import.meta.dirname, '..', '..', 'scripts', 'opentps-dev.mjs'), nodeArgs: [] };
/** The compiled build, as installed (bin/opentps.mjs runs dist/). */
export const COMPILED_ENTRY: OpentpsEntry = { script: join(import.meta.dirname, '..', '..', 'bin', 'opentps.mjs'), nodeArgs: [] };

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The self-signed certificate to trust (null for --http). */
  readonly ca: string | null;
  /** Log lines seen so far. */
  readonly logLines: string[];
  /** Resolves with the first log line (seen so far or to come) matching `pattern`; rejects after `timeoutMs`. */
  waitForLogLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServerProcess(
  dataDir: string,
  extraArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  entry: OpentpsEntry = SOURCE_ENTRY,
): Promise<ServerProcess & { readonly stderr: () => string }> {
  const child = spawn(process.execPath, [...entry.nodeArgs, entry.script, 'serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const logLines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`server exited with ${code} before listening: ${stderr}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      logLines.push(line);
      try {
        const entry: unknown = JSON.parse(line);
        if (typeof entry === 'object' && entry !== null && 'url' in entry && typeof entry.url === 'string') {
          child.off('exit', onExit);
          resolve(entry.url.replace('localhost', '127.0.0.1'));
        }
      } catch {
        // Not a JSON log line (should not happen with pino); keep reading.
      }
    });
  });
  const isTls = url.startsWith('https:');
  // With our CA's server certificate in DATA/ca/ no self-signed one is made: the test brings its own root.
  const selfSigned = join(dataDir, 'tls', 'self-signed-cert.pem');
  const ca = isTls && !extraArgs.includes('--cert') && existsSync(selfSigned) ? readFileSync(selfSigned, 'utf8') : null;
  return {
    url,
    child,
    ca,
    logLines,
    waitForLogLine(pattern, timeoutMs) {
      const seen = logLines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const onLine = (line: string): void => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          lines.off('line', onLine);
          resolve(line);
        };
        const timer = setTimeout(() => {
          lines.off('line', onLine);
          reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        lines.on('line', onLine);
      });
    },
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `opentps <args>` to completion. */
export async function runCliProcess(args: readonly string[], entry: OpentpsEntry = SOURCE_ENTRY): Promise<CliResult> {
  const child = spawn(process.execPath, [...entry.nodeArgs, entry.script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}
