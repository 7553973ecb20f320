// The version `opentps --version` prints: package.json's, read at run time from the checkout (the same
// two levels up from src/cli/ and from the compiled dist/cli/).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readPackageVersion(): string {
  const text = readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8');
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : 'unknown';
}
