// A throwaway PostgreSQL database per test file, on the server of OPENTPS_TEST_PG_URL (default: the
// machine's own). Where it cannot be reached, `skipReason` says why, for `test(..., { skip })`.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_URL = process.env['OPENTPS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL tests cannot run here, or false when they can. */
export async function postgresSkipReason(): Promise<string | false> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return false;
  } catch (error) {
    return `PostgreSQL not reachable at ${TEST_PG_URL}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  /** The new database's URL, for --db. */
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
