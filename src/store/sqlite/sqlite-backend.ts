import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SqliteDatabase } from 'kysely';
import type { Database } from '../schema.js';
import type { ErrorKind, SqlBackend } from '../sql-store.js';

/** SQLite's limit on bound parameters is 32766; 16 columns x 1000 rows stays well within it. */
const insertChunkRows = 1;

/** Error codes that mean another connection holds the lock this one waited for, in vain. */
const busyCodes = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

/** Error codes that mean the database file cannot be used right now. */
const unavailableCodes = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
]);

function classifyError(error: unknown): ErrorKind {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && [...busyCodes].some((c) => code.startsWith(c))) return 'busy';
  if (typeof code === 'string' && [...unavailableCodes].some((c) => code.startsWith(c)))
    return 'unavailable';
  const message = error instanceof Error ? error.message : '';
  if (
    message.includes('database connection is not open') ||
    message.includes('driver has already been destroyed')
  ) {
    return 'unavailable';
  }
  return undefined;
}

const statementCacheSize = 256;

/**
 * Kysely prepares every query it runs; preparing costs more than running a small indexed
 * query. The SQL text of a query shape repeats (parameters are bound), so keep the
 * prepared statements of the most recent shapes.
 */
function withStatementCache(
  database: BetterSqlite3.Database,
): SqliteDatabase & { prepare(source: string): BetterSqlite3.Statement } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare: (source: string) => {
      let statement = cache.get(source);
      if (statement === undefined) {
        statement = database.prepare(source);
        if (cache.size >= statementCacheSize) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
      } else {
        // Re-insert to mark it most recently used.
        cache.delete(source);
      }
      cache.set(source, statement);
      return statement;
    },
  };
}

/**
 * Opens (creating if needed) an SQLite database file, or `:memory:`.
 *
 * WAL lets readers go on while one writer writes; `synchronous = FULL` makes every
 * committed transaction durable before the commit returns, so nothing acknowledged is lost
 * on a crash or power cut. Writers wait up to `busyTimeoutMs` (5 s by default) for another
 * connection's write lock before the store reports itself busy.
 */
export function openSqliteBackend(
  path: string,
  options: { readonly busyTimeoutMs?: number } = {},
): SqlBackend {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new BetterSqlite3(path);
  // First, so that even switching to WAL waits for another process's lock.
  database.pragma(
    `busy_timeout = ${String(Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)))}`,
  );
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  const statements = withStatementCache(database);
  return {
    backend: 'sqlite',
    location: inMemory ? 'sqlite::memory:' : `sqlite:${resolve(path)}`,
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) }),
    // better-sqlite3 is synchronous and Kysely's SQLite driver has one connection: whatever
    // runs here runs inside the write transaction Kysely opened on it.
    runEach: (source, parameterLists) => {
      const statement = statements.prepare(source);
      return parameterLists.map((parameters) =>
        Number(statement.run(parameters as unknown[]).changes),
      );
    },
    // Take the write lock when the transaction starts, not at its first write, so a
    // transaction never fails half-way because another writer got there in between.
    beginStatements: ['begin immediate'],
    engineBeginStatements: ['begin immediate'],
    rowLocks: false,
    classifyError,
    insertChunkRows,
    // SQLite's own advice after large changes: gathers statistics only where they are stale.
    refreshStatisticsStatements: ['pragma optimize'],
  };
}
