import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresCursor, PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';
import type { ErrorKind, SqlBackend } from '../sql-store.js';

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
  if (code === '57014') return 'timeout';
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

/**
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it each time; for a
 * 1000-row INSERT that halves the import rate (see {@link namedPattern} for which are named). Naming a statement by a hash of its text
 * makes the driver prepare it once per connection and then only bind and execute.
 */
function withNamedStatements(pool: pg.Pool): PostgresPool {
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
      const wrapped = {
        query: (textOrCursor: string | PostgresCursor<unknown>, values?: readonly unknown[]) => {
          if (typeof textOrCursor !== 'string')
            return client.query(textOrCursor as unknown as pg.Submittable);
          const name = nameFor(textOrCursor);
          return client.query({
            text: textOrCursor,
            values: values as unknown[],
            ...(name === undefined ? {} : { name }),
          });
        },
        release: (destroy?: boolean) => {
          client.release(destroy);
        },
      };
      return wrapped as unknown as PostgresPoolClient;
    },
  };
}

export interface PostgresBackendOptions {
  /** Time limit of every statement outside write sessions, in milliseconds. */
  readonly queryTimeoutMs: number;
}

/**
 * A pool of connections to one PostgreSQL database. Several Scalelog servers may share it.
 *
 * Every statement runs under `statement_timeout`, so a runaway query is cancelled by the
 * server itself (the API answers 504); write sessions lift it for their own transaction,
 * since an import's length follows its input.
 */
export function openPostgresBackend(url: string, options: PostgresBackendOptions): SqlBackend {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'scalelog',
    connectionTimeoutMillis: 5000,
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
    dialect: new PostgresDialect({ pool: withNamedStatements(pool) }),
  });
  return {
    backend: 'postgres',
    location: redactPostgresUrl(url),
    db,
    beginStatements: ['begin', 'set local statement_timeout = 0'],
    engineBeginStatements: ['begin'],
    rowLocks: true,
    byteCollation: 'C',
    classifyError,
    explainOpenError: (error) => explainMissingDatabase(url, error),
    insertChunkRows,
    queuedWork: () => pool.waitingCount,
    // A transaction-scoped advisory lock: released by commit or rollback, even if the
    // process dies mid-migration. The key is arbitrary but fixed for Scalelog.
    migrationLockStatement: 'select pg_advisory_xact_lock(7364105223)',
    // VACUUM, not only ANALYZE: it marks the new rows all-visible, without which a deep page
    // cannot skip its offset in the index alone and the planner chose a sequential scan
    // (7x slower). It reads only pages changed since the last vacuum; the time limit of
    // reads would stop it on a large table.
    refreshStatisticsStatements: [
      'set statement_timeout = 0',
      'vacuum (analyze) execution_logs',
      'analyze policy_log_counts',
      'analyze policy_log_days',
      'reset statement_timeout',
    ],
  };
}
