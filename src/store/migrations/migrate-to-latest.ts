import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { inTransaction } from '../in-transaction.js';
import type { LockWait } from '../lock-wait.js';
import { migrations } from './migrations.js';

/** How a backend opens the one transaction that migrations run in. */
export interface MigrationTransaction {
  /** The engine, for the few schema objects only one of them has. */
  readonly backend: 'sqlite' | 'postgres';
  /** Statements that open a write transaction. */
  readonly beginStatements: readonly string[];
  /** A statement that makes concurrent migrators wait for each other, if `begin` alone does not. */
  readonly lockStatement?: string;
  /** How the begin waits for another connection's write lock off the event loop (SQLite). */
  readonly lockWait?: LockWait;
}

/**
 * Applies every migration not yet recorded in `scalelog_migrations`, in name order, all
 * in one transaction: on failure nothing is applied. Servers starting together on one
 * database queue on the lock, and each migration is applied exactly once.
 *
 * Only the current schema is looked at, never the catalogue of every schema, so Scalelog
 * stores in other schemas of the same database cannot disturb it. Returns the names applied.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  tx: MigrationTransaction,
): Promise<string[]> {
  return inTransaction(
    db,
    tx.beginStatements,
    async (conn) => {
      if (tx.lockStatement !== undefined) await sql.raw(tx.lockStatement).execute(conn);
      await conn.schema
        .createTable('scalelog_migrations')
        .ifNotExists()
        .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();
      const { rows } = await sql<{ name: string }>`select name from scalelog_migrations`.execute(
        conn,
      );
      const applied = new Set(rows.map((r) => r.name));
      const pending = Object.keys(migrations)
        .sort()
        .filter((name) => !applied.has(name));
      for (const name of pending) {
        await migrations[name]?.up(conn, tx.backend);
        await sql`insert into scalelog_migrations (name, applied_at) values (${name}, ${Date.now()})`.execute(
          conn,
        );
      }
      return pending;
    },
    tx.lockWait,
  );
}
