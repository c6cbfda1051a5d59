import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { retryWhileBusy } from './lock-wait.js';
import type { LockWait } from './lock-wait.js';

/**
 * Runs `work` on one connection inside a transaction opened by `beginStatements`: commits
 * when it returns, rolls back when it throws (or when the commit fails). Kysely's own
 * transaction builder cannot say SQLite's `BEGIN IMMEDIATE` or set PostgreSQL options
 * first, hence this.
 *
 * With `lockWait`, a begin that finds another connection's write lock gives the connection
 * back (so reads go on meanwhile) and is tried again off the event loop until the lock
 * is free or `lockWait.timeoutMs` has passed; only the begin is retried, never `work`. A
 * commit that finds the lock busy is retried in place, as SQLite allows.
 */
export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  beginStatements: readonly string[],
  work: (conn: Kysely<DB>) => Promise<T>,
  lockWait?: LockWait,
): Promise<T> {
  let begun = false;
  return retryWhileBusy(
    lockWait,
    () =>
      db.connection().execute(async (conn) => {
        for (const [i, statement] of beginStatements.entries()) {
          try {
            await sql.raw(statement).execute(conn);
          } catch (e: unknown) {
            // A later statement failed: the transaction the first one opened must not stay open.
            if (i > 0) await rollback(conn);
            throw e;
          }
        }
        begun = true;
        let result: T;
        try {
          result = await work(conn);
          await retryWhileBusy(lockWait, () => sql.raw('commit').execute(conn));
        } catch (e: unknown) {
          await rollback(conn);
          throw e;
        }
        return result;
      }),
    () => !begun,
  );
}

/** Best effort: the error that led here is the one to report. */
async function rollback<DB>(conn: Kysely<DB>): Promise<void> {
  await sql
    .raw('rollback')
    .execute(conn)
    .catch(() => undefined);
}
