import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { PostgresCursor, PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';
import type { ErrorKind, SqlBackend } from '../sql/sql-backend.js';

/** PostgreSQL's limit on bound parameters is 65535; 16 columns x 1000 rows stays within it. */
const insertChunkRows = 1000;

/** bigint columns hold Unix times and counts, all far below 2^53: read them as numbers. */
const int8AsNumber = new pg.TypeOverrides();
int8AsNumber.setTypeParser(pg.types.builtins.INT8, Number);

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

function classifyError(error: unknown): ErrorKind {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  // 57014 query_canceled: the statement_timeout fired.
  if (code === '57014' || code === clientTimeoutCode) return 'timeout';
  if (code === commitInDoubtCode) return 'in-doubt';
  if (typeof code === 'string') {
    // 08: connection exceptions; 57P0x: server shutting down or starting; 53300: too many connections.
    if (
      networkCodes.has(code) ||
      code.startsWith('08') ||
      code.startsWith('57P') ||
      code === '53300'
    ) {
      return 'unavailable';
    }
  }
  const message = error instanceof Error ? error.message : '';
  if (
    message.includes('Connection terminated') ||
    message.includes('timeout exceeded when trying to connect') ||
    message.includes('Client has encountered a connection error') ||
    message.includes('driver has already been destroyed') ||
    message.includes('Cannot use a pool after calling end')
  ) {
    return 'unavailable';
  }
  return undefined;
}

/** The URL without password or query, safe to print. */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** `"name"`, as PostgreSQL quotes an identifier. */
const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A shell word: as is when it is safe, else in single quotes. */
const shellWord = (word: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * 3D000 (invalid_catalog_name): the URL names a database the server does not have. Says so,
 * and how to create it, instead of a failure to bring a schema up to date.
 */
function explainMissingDatabase(url: string, error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ((error as { code?: unknown }).code !== '3D000') return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const user = decodeURIComponent(u.username);
  // Without a database in the URL, PostgreSQL takes the user's name.
  const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || user || 'postgres';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = u.port || '5432';
  const createdb = [
    'createdb',
    '-h',
    shellWord(host),
    '-p',
    port,
    ...(user === '' ? [] : ['-U', shellWord(user)]),
    shellWord(name),
  ].join(' ');
  return (
    `the database ${quoteIdentifier(name)} does not exist on the PostgreSQL server at ${host}:${port}: ` +
    `create it with \`${createdb}\` or the SQL \`CREATE DATABASE ${quoteIdentifier(name)};\`, then try again.`
  );
}

/** Named statements kept per connection; past this, further shapes run unnamed. */
const maxNamedStatements = 200;
/**
 * Only writes are named. After five runs PostgreSQL may switch a named statement to a
 * generic plan, blind to its parameters; for the log query that chose the execute-type index
 * for a time window and walked a busy policy's whole history (5x slower). Reads stay
 * unnamed and get a plan for their actual values every time.
 */
const namedPattern = /^\s*(insert|update|delete)\b/i;

/** Lifts the server's limit for the rest of a write session's transaction. */
const liftLimitInTransaction = 'set local statement_timeout = 0';
/** Lifts the server's limit on a connection until {@link restoreLimit} (statistics upkeep). */
const liftLimit = 'set statement_timeout = 0';
const restoreLimit = 'reset statement_timeout';
/**
 * A transaction-scoped advisory lock: released by commit or rollback, even if the process
 * dies mid-migration. The key is arbitrary but fixed for Scalelog.
 */
const migrationLockStatement = 'select pg_advisory_xact_lock(7364105223)';

/**
 * A transaction-scoped advisory lock on a text key, hashed to 32 bits: out of the range of
 * the migration key, and a collision only makes two keys wait for each other.
 */
async function lockKey(db: Kysely<Database>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}
/** How a transaction ends; a limit lifted with `set local` ends with it. */
const transactionEnd = /^\s*(commit|rollback|end|abort)\s*;?\s*$/i;
const commitPattern = /^\s*(commit|end)\s*;?\s*$/i;

/**
 * How long after the server-side limit the client gives up on an answer. The server cancels
 * a statement at `statement_timeout` and says so at once; waiting a little longer lets that
 * answer arrive (the connection stays usable) and only a server that says nothing at all (a
 * frozen process, a network that drops packets) meets the client-side limit.
 */
const clientGraceMs = 500;
/** The longest a new connection may take to open, whatever the query limit. */
const maxConnectMs = 5000;
/**
 * The client-side limit of each statement of a write session, where the server's limit is
 * lifted. One statement writes one batch (at most {@link insertChunkRows} rows); that takes
 * milliseconds, seconds behind a lock or on a loaded server, never a minute. The session as
 * a whole has no limit: an import's length follows its input.
 */
const defaultWriteStatementTimeoutMs = 60_000;
/**
 * The client-side limit of statistics upkeep after a bulk import (VACUUM reads every page the
 * import wrote). Best effort: past it the connection is dropped and the import stands.
 */
const maintenanceTimeoutMs = 600_000;

/** The message of node-postgres's error when `query_timeout` fires. */
const clientTimeoutMessage = 'Query read timeout';

/**
 * The client-side limit fired on a `commit`: the database may have committed or not. Its
 * code is ours (not a SQLSTATE) so {@link classifyError} can tell it apart.
 */
const commitInDoubtCode = 'SCALELOG_COMMIT_IN_DOUBT';
/** Any other client-side limit. */
const clientTimeoutCode = 'SCALELOG_CLIENT_TIMEOUT';

interface ClientLimits {
  /** Outside write sessions: the server's limit plus {@link clientGraceMs}. */
  readonly queryMs: number;
  /** Each statement of a write session. */
  readonly writeStatementMs: number;
}

/**
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it each time; for a
 * 1000-row INSERT that halves the import rate (see {@link namedPattern} for which are named). Naming a statement by a hash of its text
 * makes the driver prepare it once per connection and then only bind and execute.
 *
 * It also enforces the query limit on the client side: `statement_timeout` is carried out by
 * the server, so a server that stops answering (a frozen process, a dead network path)
 * would hold the request, and the connection, for as long as TCP keeps the socket. A
 * statement without an answer within its limit fails (the API answers 504); its connection
 * is then refused to further statements and destroyed on release instead of going back to
 * the pool, where the next request would queue behind the lost answer.
 */
function withNamedStatements(pool: pg.Pool, limits: ClientLimits): PostgresPool {
  const named = new WeakMap<pg.PoolClient, Set<string>>();
  return {
    end: () => pool.end(),
    connect: async () => {
      const client = await pool.connect();
      let names = named.get(client);
      if (names === undefined) {
        names = new Set();
        named.set(client, names);
      }
      const known = names;
      const nameFor = (text: string): string | undefined => {
        if (!namedPattern.test(text)) return undefined;
        const name = `sl_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
        if (known.has(name)) return name;
        if (known.size >= maxNamedStatements) return undefined;
        known.add(name);
        return name;
      };
      /** Which limit the server applies now on this connection. */
      let serverLimit: 'query' | 'lifted-in-transaction' | 'lifted' | 'migration' = 'query';
      let lost: Error | undefined;
      const limitFor = (text: string): number => {
        if (text === liftLimitInTransaction && serverLimit === 'query')
          serverLimit = 'lifted-in-transaction';
        else if (text === liftLimit) serverLimit = 'lifted';
        else if (text === migrationLockStatement) serverLimit = 'migration';
        // A migration rebuilds indexes of a table of any size: no client-side limit (0).
        if (serverLimit === 'migration') return 0;
        if (serverLimit === 'lifted-in-transaction') return limits.writeStatementMs;
        if (serverLimit === 'lifted') return Math.max(limits.queryMs, maintenanceTimeoutMs);
        return limits.queryMs;
      };
      const run = async (text: string, values: readonly unknown[] | undefined) => {
        if (lost !== undefined) {
          throw Object.assign(
            new Error('the connection was dropped after a statement got no answer', {
              cause: lost,
            }),
            { code: clientTimeoutCode },
          );
        }
        const name = nameFor(text);
        const timeoutMs = limitFor(text);
        try {
          // node-postgres reads `query_timeout` per query too; its types know it only per client.
          const config: pg.QueryConfig & { query_timeout: number } = {
            text,
            values: values as unknown[],
            query_timeout: timeoutMs,
            ...(name === undefined ? {} : { name }),
          };
          return await client.query(config);
        } catch (e: unknown) {
          if (e instanceof Error && e.message === clientTimeoutMessage) {
            const inDoubt = commitPattern.test(text);
            lost = Object.assign(
              new Error(
                inDoubt
                  ? `the commit got no answer within ${String(timeoutMs)} ms: it may or may not have been applied`
                  : `the statement got no answer within ${String(timeoutMs)} ms`,
                { cause: e },
              ),
              { code: inDoubt ? commitInDoubtCode : clientTimeoutCode },
            );
            throw lost;
          }
          throw e;
        } finally {
          if (
            transactionEnd.test(text) &&
            (serverLimit === 'lifted-in-transaction' || serverLimit === 'migration')
          )
            serverLimit = 'query';
          else if (text === restoreLimit) serverLimit = 'query';
        }
      };
      const wrapped = {
        query: (textOrCursor: string | PostgresCursor<unknown>, values?: readonly unknown[]) => {
          if (typeof textOrCursor !== 'string')
            return client.query(textOrCursor as unknown as pg.Submittable);
          return run(textOrCursor, values);
        },
        release: (destroy?: boolean) => {
          // A connection whose statement went unanswered still waits for that answer:
          // destroying it (pg ends a connection with a statement in flight by closing the
          // socket) keeps it from the next request.
          client.release(destroy === true || lost !== undefined);
        },
      };
      return wrapped as unknown as PostgresPoolClient;
    },
  };
}

export interface PostgresBackendOptions {
  /** Time limit of every statement outside write sessions, in milliseconds. */
  readonly queryTimeoutMs: number;
  /**
   * Client-side time limit of each statement inside a write session, where the server's
   * limit is lifted; 60 s by default (see {@link defaultWriteStatementTimeoutMs}).
   */
  readonly writeStatementTimeoutMs?: number;
}

/**
 * A pool of connections to one PostgreSQL database. Several Scalelog servers may share it.
 *
 * Every statement runs under `statement_timeout`, so a runaway query is cancelled by the
 * server itself (the API answers 504); write sessions lift it for their own transaction,
 * since an import's length follows its input. The client enforces the limit too, for a
 * server that stops answering (see {@link withNamedStatements}); inside a write session
 * that limit applies to each statement, not to the session.
 */
export function openPostgresBackend(url: string, options: PostgresBackendOptions): SqlBackend {
  // Node fires a timer longer than 2^31-1 ms at once: the longest query limit stays below.
  const queryMs = Math.min(options.queryTimeoutMs + clientGraceMs, 2 ** 31 - 1);
  const limits: ClientLimits = {
    queryMs,
    writeStatementMs: Math.max(
      options.writeStatementTimeoutMs ?? defaultWriteStatementTimeoutMs,
      options.queryTimeoutMs,
    ),
  };
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'scalelog',
    // Opening a connection to a server that accepts it and then says nothing (a frozen
    // process) takes no longer than a query may.
    connectionTimeoutMillis: Math.min(maxConnectMs, queryMs),
    statement_timeout: options.queryTimeoutMs,
    max: 10,
    types: int8AsNumber,
  });
  // An idle client losing its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next query reports the outage instead.
  pool.on('error', () => undefined);
  // A checked-out client whose connection dies (the server went away between queries)
  // emits 'error' too; its failed query already reports the outage to the caller.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: withNamedStatements(pool, limits) }),
  });
  return {
    backend: 'postgres',
    location: redactPostgresUrl(url),
    db,
    beginStatements: ['begin', liftLimitInTransaction],
    engineBeginStatements: ['begin'],
    rowLocks: true,
    lockKey,
    byteCollation: 'C',
    classifyError,
    explainOpenError: (error) => explainMissingDatabase(url, error),
    insertChunkRows,
    migrationLockStatement,
    queuedWork: () => pool.waitingCount,
    // VACUUM, not only ANALYZE: it marks the new rows all-visible, without which a deep page
    // cannot skip its offset in the index alone and the planner chose a sequential scan
    // (7x slower). It reads only pages changed since the last vacuum; the time limit of
    // reads would stop it on a large table.
    refreshStatisticsStatements: [
      liftLimit,
      'vacuum (analyze) execution_logs',
      'analyze policy_log_counts',
      'analyze policy_log_days',
      restoreLimit,
    ],
  };
}
