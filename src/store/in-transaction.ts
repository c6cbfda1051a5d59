import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Runs `work` on one connection inside a transaction opened by `beginStatements`: commits
 * when it returns, rolls back when it throws. Kysely's own transaction builder cannot say
 * SQLite's `BEGIN IMMEDIATE` or set PostgreSQL options first, hence this.
 */
export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  beginStatements: readonly string[],
  work: (conn: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    for (const statement of beginStatements) await sql.raw(statement).execute(conn);
    let result: T;
    try {
      result = await work(conn);
    } catch (e: unknown) {
      await sql
        .raw('rollback')
        .execute(conn)
        .catch(() => undefined);
      throw e;
    }
    await sql.raw('commit').execute(conn);
    return result;
  });
}
