import type { Kysely } from 'kysely';
import { migrateToLatest } from './migrations/migrate-to-latest.js';
import { parseStoreUrl } from './parse-store-url.js';
import { openPostgresBackend } from './postgres/postgres-backend.js';
import { SqlStore } from './sql-store.js';
import type { SqlStoreOptions } from './sql-store.js';
import type { SqlBackend } from './sql/sql-backend.js';
import { openSqliteBackend } from './sqlite/sqlite-backend.js';
import { StoreBusyError, StoreUnavailableError } from './store.js';
import type { Store } from './store.js';
import type { CredentialStore } from './credential-store.js';

export interface OpenStoreOptions extends SqlStoreOptions {
  /** Time limit of one query in milliseconds (PostgreSQL; see spec/DEVIATIONS.md for SQLite). */
  readonly queryTimeoutMs?: number;
  /**
   * Client-side time limit of each statement of a write session (PostgreSQL, whose own limit
   * a write session lifts), 60000 ms by default: how soon a database that stops answering
   * during an import is noticed.
   */
  readonly writeStatementTimeoutMs?: number;
  /**
   * How long a write waits for another process's write lock (SQLite), 5000 ms by default;
   * the wait is on a timer, never on the event loop. Past it the write throws StoreBusyError.
   */
  readonly busyTimeoutMs?: number;
}

/** Opens the store a URL names and brings its schema up to date. */
export async function openStore(
  url: string,
  options: OpenStoreOptions = {},
): Promise<Store & CredentialStore> {
  const target = parseStoreUrl(url);
  let backend: SqlBackend;
  try {
    backend =
      target.backend === 'postgres'
        ? openPostgresBackend(target.url, {
            queryTimeoutMs: options.queryTimeoutMs ?? 10_000,
            ...(options.writeStatementTimeoutMs === undefined
              ? {}
              : { writeStatementTimeoutMs: options.writeStatementTimeoutMs }),
          })
        : await openSqliteBackend(
            target.path,
            options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs },
          );
  } catch (e: unknown) {
    // Another process's lock outlasted the wait (switching a file to WAL): it says so itself.
    if (e instanceof StoreBusyError) throw e;
    throw new StoreUnavailableError(
      `cannot open the store: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  const store = new SqlStore(
    backend,
    options.dayCountsFromLogs === undefined ? {} : { dayCountsFromLogs: options.dayCountsFromLogs },
  );
  try {
    await migrateToLatest(backend.db as unknown as Kysely<unknown>, {
      backend: backend.backend,
      beginStatements: backend.beginStatements,
      ...(backend.lockWait === undefined ? {} : { lockWait: backend.lockWait }),
      ...(backend.migrationLockStatement === undefined
        ? {}
        : { lockStatement: backend.migrationLockStatement }),
    });
  } catch (e: unknown) {
    await store.close().catch(() => undefined);
    const explained = backend.explainOpenError?.(e);
    if (explained !== undefined) throw new Error(explained, { cause: e });
    const kind = backend.classifyError(e);
    const why = e instanceof Error ? e.message : String(e);
    if (kind === 'busy') {
      throw new StoreBusyError(
        `the store at ${backend.location} is busy: another process holds its write lock (a running import, say); retry when it is done`,
        { cause: e },
      );
    }
    if (kind === 'unavailable') {
      throw new StoreUnavailableError(`cannot reach the store at ${backend.location}: ${why}`, {
        cause: e,
      });
    }
    throw new Error(`cannot bring the schema of ${backend.location} up to date: ${why}`, {
      cause: e,
    });
  }
  return store;
}
