// The load generator in its own process: `opentps sim ... --json`, as an operator runs it, so its event
// loop shares neither the benchmark's nor the server's. The benchmark learns from its stderr when its
// measured window opens and closes, and reads its summary from its stdout.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { SimReport } from '../../src/cli/sim-command.js';
import { REPO_ROOT } from './bench-server.js';

export interface SimProcessOptions {
  /** Everything after `opentps sim` (the benchmark adds --json). */
  readonly args: readonly string[];
  /** The simulator stops itself at --duration plus --grace; past `deadlineMs` it is killed. */
  readonly deadlineMs: number;
  readonly onWindowOpen: (pid: number) => void;
  readonly onWindowClose: (pid: number) => void;
  /** Every other line the simulator writes to stderr. */
  readonly log: (line: string) => void;
}

export interface SimProcessResult {
  readonly report: SimReport;
  readonly exitCode: number | null;
}

export async function runSimProcess(options: SimProcessOptions): Promise<SimProcessResult> {
  const child = spawn(process.execPath, ['scripts/opentps-dev.mjs', 'sim', ...options.args, '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? 0;
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('measured window opens')) options.onWindowOpen(pid);
    else if (line.startsWith('measured window closed')) options.onWindowClose(pid);
    else options.log(line);
  });
  const watchdog = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs);
  const [exitCode] = (await once(child, 'exit')) as [number | null];
  clearTimeout(watchdog);
  const report: unknown = JSON.parse(stdout.trim().split('\n').pop() || 'null');
  if (typeof report !== 'object' || report === null || !('whole' in report) || !('queuedAtEnd' in report)) {
    throw new Error(`opentps sim ${options.args.join(' ')} exited with ${exitCode} without a summary`);
  }
  // Checked for its shape above; the simulator is this repository's own code.
  return { report: report as SimReport, exitCode };
}
