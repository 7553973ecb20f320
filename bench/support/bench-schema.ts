// A scratch PostgreSQL schema for a benchmark run against --db, dropped at the end.

import pg from 'pg';

export function benchSchemaName(scenario: string): string {
  return `bench_${scenario}_${process.pid}`;
}

export async function dropBenchSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
