import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CATALOGUE, OpenTpsError, RETIRED_ERROR_CODES, isOpenTpsError } from './errors.js';

const docs = readFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8');
const documentedRows = new Map(
  [...docs.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d{3}) \| (.+?) \| (.+?) \|$/gm)].map((m) => [m[1], { status: Number(m[2]), cause: m[3], fix: m[4] }]),
);

test('every catalogue code is documented in docs/errors.md with its status, a cause and a fix', () => {
  for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
    const row = documentedRows.get(code);
    assert.ok(row, `${code} is missing from docs/errors.md`);
    assert.equal(row.status, entry.status, `${code} status in docs/errors.md`);
    assert.ok((row.cause ?? '').length > 10 && (row.fix ?? '').length > 3, `${code} has a cause and a fix`);
  }
});

test('docs/errors.md documents no code that the catalogue lacks', () => {
  for (const code of documentedRows.keys()) assert.ok(code !== undefined && code in ERROR_CATALOGUE, `${code} is documented but not in src/errors.ts`);
});

test('no retired code is back in the catalogue', () => {
  for (const code of RETIRED_ERROR_CODES) assert.ok(!(code in ERROR_CATALOGUE), `${code} was retired`);
});

test('an OpenTpsError carries its code, status, detail and cause', () => {
  const cause = new Error('disk');
  const error = new OpenTpsError('ERR_QUEUE_FULL', 'cwm X has 100', { cause });
  assert.equal(error.code, 'ERR_QUEUE_FULL');
  assert.equal(error.status, 409);
  assert.equal(error.message, 'the queue for this CWM is full: cwm X has 100');
  assert.equal(error.cause, cause);
  assert.ok(isOpenTpsError(error, 'ERR_QUEUE_FULL'));
  assert.ok(!isOpenTpsError(error, 'ERR_DEVICE_UNKNOWN'));
  assert.ok(!isOpenTpsError(new Error('x')));
});
