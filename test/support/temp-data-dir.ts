// A fresh data directory per test, removed afterwards.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDataDir {
  readonly path: string;
  remove(): void;
}

export function createTempDataDir(prefix = 'opentps-test-'): TempDataDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
