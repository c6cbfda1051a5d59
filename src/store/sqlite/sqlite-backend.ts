import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SqliteDatabase } from 'kysely';
import { checkpointInBackground } from './background-checkpoints.js';
import type { Database } from '../schema.js';
import { retryWhileBusy } from '../lock-wait.js';
import type { LockWait } from '../lock-wait.js';
import type { ErrorKind, SqlBackend } from '../sql/sql-backend.js';
import { StoreBusyError } from '../store.js';

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

/** A connection to the file at `path` that only reads, for {@link SqlBackend.readDb}. */
function openReadConnection(path: string): Kysely<Database> {
  const database = new BetterSqlite3(path, { timeout: 0, fileMustExist: true });
  try {
    database.pragma('query_only = ON');
  } catch (e: unknown) {
    database.close();
    throw e;
  }
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
}

/**
 * Creates the database file, empty and readable by its owner only, when it does not exist yet
 * (its folder too, `0700`). SQLite gives the `-wal` and `-shm` files the mode of the database
 * file, so they are owner-only as well; left to itself it would create all three `0644`.
 */
function createOwnerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (e: unknown) {
    // Another process made it in the meantime: its mode is its own.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** Says which file is not a database, rather than SQLite's bare "file is not a database". */
function notADatabase(path: string, e: unknown): Error {
  const code = (e as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB') {
    return new Error(
      `${path} is not a SQLite database (SQLite: "${e instanceof Error ? e.message : String(e)}")`,
      { cause: e },
    );
  }
  if (
    code === 'SQLITE_CANTOPEN' &&
    statSync(path, { throwIfNoEntry: false })?.isDirectory() === true
  ) {
    return new Error(`${path} is a folder, not a SQLite database file`, { cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Opens (creating if needed) an SQLite database file, or `:memory:`. A file it creates is
 * readable by its owner only (`0600`, with its `-wal` and `-shm` files), and so is a folder it
 * creates (`0700`): the database holds credentials and token hashes. An existing file keeps
 * its mode.
 *
 * WAL lets readers go on while one writer writes; `synchronous = FULL` makes every
 * committed transaction durable before the commit returns, so nothing acknowledged is lost
 * on a crash or power cut. An operation that meets another connection's write lock waits up
 * to `busyTimeoutMs` (5 s by default) for it before the store reports itself busy, and waits
 * off the event loop: better-sqlite3 is synchronous, and SQLite's own busy handler would
 * sleep on the thread that answers every request (not even `/healthz` was answered). So the
 * connection's `busy_timeout` is 0 and the store retries on a timer (see {@link LockWait}).
 */
export async function openSqliteBackend(
  path: string,
  options: { readonly busyTimeoutMs?: number } = {},
): Promise<SqlBackend> {
  const inMemory = path === ':memory:';
  const absolute = inMemory ? path : resolve(path);
  if (!inMemory && statSync(absolute, { throwIfNoEntry: false }) === undefined) {
    createOwnerOnly(absolute);
  }
  let database: BetterSqlite3.Database;
  try {
    // busy_timeout 0: a statement that meets another connection's lock fails at once.
    database = new BetterSqlite3(path, { timeout: 0 });
  } catch (e: unknown) {
    throw notADatabase(absolute, e);
  }
  const lockWait: LockWait = {
    timeoutMs: Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)),
    isBusy: (e) => classifyError(e) === 'busy',
  };
  try {
    // The first statement that reads the file: a file that is no database fails here.
    // Switching a file to WAL needs it to itself, so this waits for another process's lock.
    await retryWhileBusy(lockWait, () =>
      Promise.resolve().then(() => database.pragma('journal_mode = WAL')),
    );
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
  } catch (e: unknown) {
    database.close();
    if (classifyError(e) === 'busy') {
      throw new StoreBusyError(
        `the store at sqlite:${absolute} is busy: another process holds its write lock (a running import, say); retry when it is done`,
        { cause: e },
      );
    }
    throw notADatabase(absolute, e);
  }
  // A file's checkpoints run on a worker thread; an in-memory database has no WAL.
  const stopCheckpoints = inMemory
    ? () => Promise.resolve()
    : await checkpointInBackground(database, absolute);
  // A second connection for reads: Kysely's SQLite driver runs one query at a time on its
  // connection, so on one connection a log query waited for a whole ingest's transaction
  // (323 ms for 10 MB). In WAL mode this one reads the last commit meanwhile. It never
  // writes (`query_only`). An in-memory database is one connection's own: it has none.
  let readDb: Kysely<Database> | undefined;
  try {
    readDb = inMemory ? undefined : openReadConnection(absolute);
  } catch (e: unknown) {
    await stopCheckpoints();
    database.close();
    throw notADatabase(absolute, e);
  }
  const statements = withStatementCache(database);
  return {
    backend: 'sqlite',
    location: inMemory ? 'sqlite::memory:' : `sqlite:${absolute}`,
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) }),
    ...(readDb === undefined ? {} : { readDb }),
    // better-sqlite3 is synchronous and Kysely's SQLite driver has one connection: whatever
    // runs here runs inside the write transaction Kysely opened on it.
    runEach: (source, parameterLists) => {
      const statement = statements.prepare(source);
      return parameterLists.map((parameters) =>
        Number(statement.run(parameters as unknown[]).changes),
      );
    },
    // Take the write lock when the transaction starts, not at its first write, so a
    // transaction never fails half-way because another writer got there in between; and so
    // that waiting for the lock is waiting at the begin, which is retried without the work.
    beginStatements: ['begin immediate'],
    engineBeginStatements: ['begin immediate'],
    rowLocks: false,
    classifyError,
    lockWait,
    insertChunkRows,
    // SQLite's own advice after large changes: gathers statistics only where they are stale.
    // It writes, so while another process holds the write lock it fails at once (no wait),
    // and the refresh, best effort, is skipped.
    refreshStatisticsStatements: ['pragma optimize'],
    close: async () => {
      await readDb?.destroy();
      await stopCheckpoints();
    },
  };
}
