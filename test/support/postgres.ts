import { randomBytes } from 'node:crypto';
import pg from 'pg';

// Tests read their environment here and nowhere else.
const env = process.env;

/** The server the PostgreSQL suites use; each test gets its own schema on it. */
export const postgresTestUrl =
  env.SCALELOG_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const postgresRequired = env.SCALELOG_REQUIRE_POSTGRES === '1';

/**
 * Creates a fresh, empty schema and returns a store URL whose connections use it, plus a
 * function that drops it. Keeps tests independent without creating whole databases.
 */
export async function createPostgresSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresTestUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresTestUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresTestUrl });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}
