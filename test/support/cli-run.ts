// Runs `opentps` in-process through runCli with captured output, for the CLI tests.

import { runCli } from '../../src/cli/opentps.js';
import type { CliIo } from '../../src/cli/cli-io.js';

export interface CliRun {
  readonly code: number;
  /** Every line written to stdout (multi-line writes split). */
  readonly out: string[];
  readonly err: string[];
}

export async function runCliCaptured(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env,
    out: (text) => out.push(...text.split('\n')),
    err: (text) => err.push(...text.split('\n')),
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}
