#!/usr/bin/env node
// The `opentps` executable: runs the compiled JavaScript in dist/, which `npm ci` builds (the prepare script)
// and `npm run build` rebuilds. From the sources, without a build: scripts/opentps-dev.mjs (`npm run dev`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/process-entry.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('opentps: dist/ has no build: run `npm run build` (or `npm ci`) in the checkout first\n');
  process.exit(1);
}
const { runCliInProcess } = await import(entry.href);
await runCliInProcess();
