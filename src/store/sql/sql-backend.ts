import type { Kysely } from 'kysely';
import type { LockWait } from '../lock-wait.js';
import type { Database } from '../schema.js';
import type { Backend } from '../store.js';

/**
 * What a driver error means: the store cannot be reached, a query ran past its time limit,
 * a commit got no answer within it (applied or not, nobody can tell), or another connection
 * held the write lock for longer than this one would wait.
 */
export type ErrorKind = 'unavailable' | 'busy' | 'timeout' | 'in-doubt' | undefined;

/**
 * What differs between backends, as capabilities rather than `instanceof` checks. A backend
 * folder builds the Kysely instance and these; everything else is written once, in `sql/`.
 */
export interface SqlBackend {
  readonly backend: Backend;
  readonly location: string;
  readonly db: Kysely<Database>;
  /**
   * Where reads outside a transaction go, when not `db`: SQLite's second connection, which
   * in WAL mode reads the last commit while `db` is inside a write transaction (an ingest, an
   * import's batch), instead of queueing behind it on the one connection.
   */
  readonly readDb?: Kysely<Database>;
  /** Statements that open a write transaction (SQLite takes the write lock at once). */
  readonly beginStatements: readonly string[];
  /**
   * Statements that open an engine session's transaction: short, under the store's query
   * time limit, unlike an import's.
   */
  readonly engineBeginStatements: readonly string[];
  /**
   * Whether `select ... for update` takes row locks (PostgreSQL). SQLite has no row locks:
   * its write transaction already excludes every other writer.
   */
  readonly rowLocks: boolean;
  /**
   * Takes a lock on a text key until the transaction on `db` ends, for a rule over rows no
   * row lock covers (a quota per project). Absent where a write transaction already excludes
   * every other writer (SQLite).
   */
  readonly lockKey?: (db: Kysely<Database>, key: string) => Promise<void>;
  /**
   * A collation that orders text by its bytes, for lists ordered by name to come out the
   * same on every backend; absent when the default already does (SQLite's BINARY).
   */
  readonly byteCollation?: string;
  /** Classifies a driver error; `undefined` leaves it as it is. */
  readonly classifyError: (error: unknown) => ErrorKind;
  /**
   * How an operation that meets another connection's lock waits for it, retried on a timer,
   * when the driver would otherwise wait on the event loop (SQLite, whose driver is
   * synchronous). Absent: the driver waits itself, without blocking (PostgreSQL).
   */
  readonly lockWait?: LockWait;
  /**
   * What to tell the user when opening the store failed with `error` for a reason they must
   * fix themselves (a database that does not exist, say); `undefined` when there is nothing
   * better to say than the driver's message.
   */
  readonly explainOpenError?: (error: unknown) => string | undefined;
  /** Rows per multi-row INSERT, within the backend's limit on bound parameters. */
  readonly insertChunkRows: number;
  /** Operations waiting for a connection; absent for a backend without a pool. */
  readonly queuedWork?: () => number;
  /** Makes concurrent migrators on one database wait for each other, where `begin` does not. */
  readonly migrationLockStatement?: string;
  /**
   * Refresh the planner's statistics (and what else the engine needs to plan well) after a
   * write session added many rows; run in order on one connection, each best effort.
   */
  readonly refreshStatisticsStatements: readonly string[];
  /**
   * Runs one single-row statement once per parameter list, synchronously on the connection
   * that holds the open write transaction, and returns the rows each run changed. A backend
   * whose driver is synchronous (SQLite) offers it: one call per batch instead of one
   * promise per row through Kysely took 10-15% of an import.
   */
  readonly runEach?: (sql: string, parameterLists: readonly (readonly unknown[])[]) => number[];
  /** Releases anything the backend holds beyond the Kysely instance. */
  readonly close?: () => Promise<void>;
}
