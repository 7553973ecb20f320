// Runs the `opentps` command in this process: arguments from argv, output to stdout and stderr, the exit
// code as the process's. Started by bin/opentps.mjs (compiled, dist/) and scripts/opentps-dev.mjs (sources).

import { runCli } from './opentps.js';

export async function runCliInProcess(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
}
