import pg from 'pg';
import { postgresTestUrl, postgresRequired } from './postgres.js';

/**
 * Decides once per run whether the PostgreSQL suites run. Without a reachable server they
 * are skipped with one loud line; with SCALELOG_REQUIRE_POSTGRES=1 (as in CI) the run fails.
 */
export default async function setup({
  provide,
}: {
  provide: (key: 'postgresAvailable', value: boolean) => void;
}): Promise<void> {
  const client = new pg.Client({
    connectionString: postgresTestUrl,
    connectionTimeoutMillis: 3000,
  });
  let available = false;
  try {
    await client.connect();
    await client.query('select 1');
    available = true;
  } catch (e: unknown) {
    const why = e instanceof Error ? e.message : String(e);
    if (postgresRequired) {
      throw new Error(
        `PostgreSQL is required (SCALELOG_REQUIRE_POSTGRES=1) but ${postgresTestUrl} is not reachable: ${why}`,
      );
    }
    console.warn(
      `\n!!!!! POSTGRESQL SUITES SKIPPED: ${postgresTestUrl} is not reachable (${why}). Set SCALELOG_TEST_POSTGRES_URL or start PostgreSQL. !!!!!\n`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  provide('postgresAvailable', available);
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAvailable: boolean;
  }
}
