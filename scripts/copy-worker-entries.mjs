#!/usr/bin/env node
// After `tsc -p tsconfig.build.json`: copies the worker threads' .mjs entry files (plain JavaScript, which tsc
// does not emit) from src/ to the same place under dist/, where the compiled code starts them from.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const dist = join(root, 'dist');

function findEntries(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findEntries(path);
    return name.endsWith('.mjs') ? [path] : [];
  });
}

for (const file of findEntries(src)) {
  const target = join(dist, relative(src, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
