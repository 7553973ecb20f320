#!/usr/bin/env node
// `opentps` from the TypeScript sources through tsx, with no build step: what the tests spawn (a stale dist/
// can never make them pass) and `npm run dev` runs. Production runs the compiled bin/opentps.mjs.
import { register } from 'tsx/esm/api';

register();
const { runCliInProcess } = await import('../src/cli/process-entry.ts');
await runCliInProcess();
