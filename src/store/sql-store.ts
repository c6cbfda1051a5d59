import { CompiledQuery, sql } from 'kysely';
import type {
  AliasedExpression,
  Compilable,
  QueryResult,
  Expression,
  ExpressionBuilder,
  Insertable,
  Kysely,
  Selectable,
  SqlBool,
} from 'kysely';
import { shouldReplace } from '../domain/execution-log.js';
import type {
  ExecuteType,
  ExecutionLog,
  ExecutionStatus,
  JobRecord,
  OperationType,
  ResourceType,
} from '../domain/execution-log.js';
import type { LogQuery } from '../domain/log-query.js';
import type { EngineStore, EngineTransaction } from './engine-store.js';
import { inTransaction } from './in-transaction.js';
import { retryWhileBusy } from './lock-wait.js';
import type { LockWait } from './lock-wait.js';
import { SqlEngineTransaction } from './sql-engine-transaction.js';
import type {
  CredentialsTable,
  Database,
  ExecutionLogsTable,
  SignatureLockoutsTable,
  TokensTable,
} from './schema.js';
import {
  StoreBusyError,
  StoreCommitInDoubtError,
  StoreTimeoutError,
  StoreUnavailableError,
} from './store.js';
import type {
  Backend,
  CredentialListing,
  CredentialStore,
  ExportFilter,
  LockoutPolicy,
  LogPage,
  LogWriter,
  SignatureLockout,
  Store,
  StoredCredential,
  StoredToken,
  WriteRejection,
  WriteResult,
} from './store.js';

/**
 * What a driver error means: the store cannot be reached, a query ran past its time limit,
 * a commit got no answer within it (applied or not, nobody can tell), or another connection
 * held the write lock for longer than this one would wait.
 */
export type ErrorKind = 'unavailable' | 'busy' | 'timeout' | 'in-doubt' | undefined;

/**
 * What differs between backends, as capabilities rather than `instanceof` checks. A backend
 * folder builds the Kysely instance and these; everything else is written once here.
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

type Row = Selectable<ExecutionLogsTable>;
type LogsExpressionBuilder = ExpressionBuilder<Database, 'execution_logs'>;

const exportBatchRows = 1000;
/** A write session that inserted this many rows refreshes the planner's statistics. */
const refreshStatisticsAfterRows = 10_000;
/** Count rows gathered in memory before a write session writes them out. */
const maxPendingCounts = 10_000;
/** Day count rows gathered in memory before a write session writes them out. */
const maxPendingDays = 20_000;
const secondsPerDay = 86_400;
/** The UTC day of a Unix time in seconds, as `policy_log_days` keys it. */
const dayOf = (seconds: number): number => Math.floor(seconds / secondsPerDay);

/** Tuning of the store's count paths; the defaults suit every deployment. */
export interface SqlStoreOptions {
  /**
   * From how many logs of a policy (of the filtered execute type) a time window's
   * `total_number` is summed from `policy_log_days` rather than counted log by log. Below it
   * the index range is small enough to count directly.
   */
  readonly dayCountsFromLogs?: number;
}

export function rowToLog(row: Row): ExecutionLog {
  const log: { -readonly [K in keyof ExecutionLog]: ExecutionLog[K] } = {
    id: row.id,
    projectId: row.project_id,
    policyId: row.policy_id,
    status: row.status as ExecutionStatus,
    executeType: row.execute_type as ExecuteType,
    executeTime: row.execute_time,
    resourceType: row.resource_type as ResourceType,
    resourceId: row.resource_id,
    jobRecords: JSON.parse(row.job_records) as JobRecord[],
  };
  if (row.failed_reason !== null) log.failedReason = row.failed_reason;
  if (row.old_value !== null) log.oldValue = row.old_value;
  if (row.desire_value !== null) log.desireValue = row.desire_value;
  if (row.limit_value !== null) log.limitValue = row.limit_value;
  if (row.operation !== null) log.type = row.operation as OperationType;
  if (row.meta_data !== null) log.metaData = JSON.parse(row.meta_data) as Record<string, string>;
  return log;
}

function logToRow(log: ExecutionLog, recordedAt: number): Insertable<ExecutionLogsTable> {
  return {
    id: log.id,
    project_id: log.projectId,
    policy_id: log.policyId,
    status: log.status,
    failed_reason: log.failedReason ?? null,
    execute_type: log.executeType,
    execute_time: log.executeTime,
    resource_type: log.resourceType,
    resource_id: log.resourceId,
    old_value: log.oldValue ?? null,
    desire_value: log.desireValue ?? null,
    limit_value: log.limitValue ?? null,
    operation: log.type ?? null,
    job_records: JSON.stringify(log.jobRecords),
    meta_data: log.metaData === undefined ? null : JSON.stringify(log.metaData),
    recorded_at: recordedAt,
  };
}

async function readLog(
  db: Kysely<Database>,
  projectId: string,
  logId: string,
): Promise<ExecutionLog | undefined> {
  const row = await db
    .selectFrom('execution_logs')
    .selectAll()
    .where('id', '=', logId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToLog(row);
}

/** The filters of a query, the policy included, as conditions on `execution_logs`. */
export function logFilters(eb: LogsExpressionBuilder, q: LogQuery): Expression<SqlBool>[] {
  const conds: Expression<SqlBool>[] = [
    eb('project_id', '=', q.projectId),
    eb('policy_id', '=', q.policyId),
  ];
  if (q.logId !== undefined) conds.push(eb('id', '=', q.logId));
  if (q.resourceType !== undefined) conds.push(eb('resource_type', '=', q.resourceType));
  if (q.resourceId !== undefined) conds.push(eb('resource_id', '=', q.resourceId));
  if (q.executeType !== undefined) conds.push(eb('execute_type', '=', q.executeType));
  if (q.startTime !== undefined) conds.push(eb('execute_time', '>=', q.startTime));
  if (q.endTime !== undefined) conds.push(eb('execute_time', '<', q.endTime));
  return conds;
}

/** From this `start_number` on, a page is found through the index alone first. */
const deferredJoinFromOffset = 1_000;

/**
 * The statement that reads one page of a query, newest first. Exported so the benchmark's
 * driver-side floor runs exactly this SQL.
 *
 * A deep page (`start_number` 500,000 of a busy policy) skips its offset inside the index:
 * the subquery reads ids only, which the policy index covers, and only the page's rows are
 * then read by primary key. Reading whole rows while skipping made PostgreSQL choose a
 * sequential scan and a sort (28x slower than this) once its statistics knew the policy
 * was large.
 */
export function pageQuery(db: Kysely<Database>, q: LogQuery) {
  if (q.startNumber < deferredJoinFromOffset) {
    return db
      .selectFrom('execution_logs')
      .selectAll()
      .where((eb) => eb.and(logFilters(eb, q)))
      .orderBy('execute_time', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit)
      .offset(q.startNumber);
  }
  const pageIds = db
    .selectFrom('execution_logs')
    .select('id')
    .where((eb) => eb.and(logFilters(eb, q)))
    .orderBy('execute_time', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .offset(q.startNumber);
  return db
    .selectFrom('execution_logs')
    .selectAll()
    .where('id', 'in', pageIds)
    .orderBy('execute_time', 'desc')
    .orderBy('id', 'desc');
}

/** The statement that counts a query's matches when the count table cannot answer. */
export function countQuery(db: Kysely<Database>, q: LogQuery) {
  return db
    .selectFrom('execution_logs')
    .where((eb) => eb.and(logFilters(eb, q)))
    .select((eb) => eb.fn.countAll<number>().as('n'));
}

/** A range of `execute_time` counted from the logs, added to or taken from the day sums. */
interface EdgeCount {
  readonly from: number;
  readonly to: number;
  readonly sign: 1 | -1;
}

/**
 * How a time window's count splits into whole days summed from `policy_log_days` and the
 * parts of a day at each end counted from the logs, or `undefined` when the window is too
 * short to gain from it (under two days: its logs are counted directly). At each end the
 * cheaper side of the cut day is counted: the part inside the window is added, or the day is
 * summed whole and the part outside is taken away, whichever spans less time.
 */
export function windowCountPlan(
  startTime: number | undefined,
  endTime: number | undefined,
): { fromDay?: number; toDay?: number; edges: EdgeCount[] } | undefined {
  if (startTime === undefined && endTime === undefined) return undefined;
  if (startTime !== undefined && endTime !== undefined && endTime - startTime < 2 * secondsPerDay) {
    return undefined;
  }
  const edges: EdgeCount[] = [];
  let fromDay: number | undefined;
  let toDay: number | undefined;
  if (startTime !== undefined) {
    const day = dayOf(startTime);
    const dayStart = day * secondsPerDay;
    if (startTime === dayStart) fromDay = day;
    else if (startTime - dayStart < secondsPerDay / 2) {
      fromDay = day;
      edges.push({ from: dayStart, to: startTime, sign: -1 });
    } else {
      fromDay = day + 1;
      edges.push({ from: startTime, to: dayStart + secondsPerDay, sign: 1 });
    }
  }
  if (endTime !== undefined) {
    const day = dayOf(endTime);
    const dayStart = day * secondsPerDay;
    if (endTime === dayStart) toDay = day;
    else if (endTime - dayStart >= secondsPerDay / 2) {
      toDay = day + 1;
      edges.push({ from: endTime, to: dayStart + secondsPerDay, sign: -1 });
    } else {
      toDay = day;
      edges.push({ from: dayStart, to: endTime, sign: 1 });
    }
  }
  return {
    ...(fromDay === undefined ? {} : { fromDay }),
    ...(toDay === undefined ? {} : { toDay }),
    edges,
  };
}

/**
 * The one statement that counts a time window from `policy_log_days` and the window's cut
 * days (see {@link windowCountPlan}): column `days` is the sum of whole days, `edge0` and
 * `edge1` the logs of each cut part. Only for queries whose other filters are the policy
 * and at most an execute type.
 */
export function windowCountQuery(
  db: Kysely<Database>,
  q: LogQuery,
  plan: NonNullable<ReturnType<typeof windowCountPlan>>,
) {
  return db.selectNoFrom((eb) => {
    let days = eb
      .selectFrom('policy_log_days')
      .where('project_id', '=', q.projectId)
      .where('policy_id', '=', q.policyId);
    if (q.executeType !== undefined) days = days.where('execute_type', '=', q.executeType);
    if (plan.fromDay !== undefined) days = days.where('day', '>=', plan.fromDay);
    if (plan.toDay !== undefined) days = days.where('day', '<', plan.toDay);
    const selections: AliasedExpression<number, string>[] = [
      days
        .select(sql<number>`cast(coalesce(sum(log_count), 0) as bigint)`.as('n'))
        .$asScalar()
        .as('days'),
    ];
    plan.edges.forEach((edge, i) => {
      const cut: LogQuery = { ...q, startTime: edge.from, endTime: edge.to };
      selections.push(
        countQuery(db, cut)
          .$asScalar()
          .as(`edge${String(i)}`),
      );
    });
    return selections;
  });
}

/** `q` without its resource filters. */
function withoutResourceFilters(q: LogQuery): LogQuery {
  if (q.resourceType === undefined && q.resourceId === undefined) return q;
  const rest: { -readonly [K in keyof LogQuery]: LogQuery[K] } = { ...q };
  delete rest.resourceType;
  delete rest.resourceId;
  return rest;
}

/** Key of one row of `policy_log_counts`. */
interface CountKey {
  readonly projectId: string;
  readonly policyId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly executeType: string;
}

const countKeyOf = (log: ExecutionLog): CountKey => ({
  projectId: log.projectId,
  policyId: log.policyId,
  resourceType: log.resourceType,
  resourceId: log.resourceId,
  executeType: log.executeType,
});

// Stored text never holds U+0000 (the import rejects it), so it separates key parts safely;
// JSON.stringify per log took 5% of an import.
const countKeyString = (k: CountKey): string =>
  `${k.projectId}\0${k.policyId}\0${k.resourceType}\0${k.resourceId}\0${k.executeType}`;

/** Key of one row of `policy_log_days`. */
interface DayKey {
  readonly projectId: string;
  readonly policyId: string;
  readonly day: number;
  readonly executeType: string;
}

function rowToCredential(row: Selectable<CredentialsTable>): StoredCredential {
  return {
    ak: row.ak,
    projectId: row.project_id,
    skCiphertext: row.sk_ciphertext,
    createdAt: row.created_at,
  };
}

function rowToLockout(row: Selectable<SignatureLockoutsTable>): SignatureLockout {
  return {
    ak: row.ak,
    client: row.client,
    failures: row.failures,
    lockMs: row.lock_ms,
    ...(row.locked_until === null ? {} : { lockedUntil: row.locked_until }),
    forgetAt: row.forget_at,
  };
}

/** A number as an SQL bigint: PostgreSQL cannot type a bare parameter in arithmetic. */
const bigint = (n: number) => sql<number>`cast(${n} as bigint)`;

function rowToToken(row: Selectable<TokensTable>): StoredToken {
  return {
    tokenHash: row.token_hash,
    projectId: row.project_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

/**
 * The one SQL implementation of the {@link Store} and {@link CredentialStore} contracts,
 * for SQLite and PostgreSQL alike.
 */
export class SqlStore implements Store, CredentialStore, EngineStore {
  readonly #b: SqlBackend;
  readonly #dayCountsFromLogs: number;
  #closed = false;

  constructor(backend: SqlBackend, options: SqlStoreOptions = {}) {
    this.#b = backend;
    this.#dayCountsFromLogs = options.dayCountsFromLogs ?? 2_000;
  }

  get backend(): Backend {
    return this.#b.backend;
  }

  get location(): string {
    return this.#b.location;
  }

  /** The connection for reads outside a transaction (see {@link SqlBackend.readDb}). */
  get #reads(): Kysely<Database> {
    return this.#b.readDb ?? this.#b.db;
  }

  queuedWork(): number {
    return this.#b.queuedWork?.() ?? 0;
  }

  async queryLogs(q: LogQuery): Promise<LogPage | undefined> {
    return this.#guard(async () => {
      const db = this.#reads;
      // Without a time window or log id, the counts table answers both "is the policy known"
      // and total_number, whatever the size of the policy's history.
      const useCounts =
        q.startTime === undefined && q.endTime === undefined && q.logId === undefined;
      const countFilters: Expression<SqlBool>[] = [];
      const counts = await db
        .selectFrom('policy_log_counts')
        .where('project_id', '=', q.projectId)
        .where('policy_id', '=', q.policyId)
        .select((eb) => {
          if (q.resourceType !== undefined)
            countFilters.push(eb('resource_type', '=', q.resourceType));
          if (q.resourceId !== undefined) countFilters.push(eb('resource_id', '=', q.resourceId));
          const typeFilter =
            q.executeType === undefined ? undefined : eb('execute_type', '=', q.executeType);
          if (typeFilter !== undefined) countFilters.push(typeFilter);
          const matching =
            countFilters.length === 0
              ? sql<number>`sum(log_count)`
              : sql<number>`sum(case when ${eb.and(countFilters)} then log_count else 0 end)`;
          // The same without the resource filters: when both agree, those filters drop no
          // log of the policy and a time window can be counted by day.
          const ofType =
            typeFilter === undefined
              ? sql<number>`sum(log_count)`
              : sql<number>`sum(case when ${typeFilter} then log_count else 0 end)`;
          return [
            eb.fn.countAll<number>().as('groups'),
            sql<number>`cast(coalesce(${matching}, 0) as bigint)`.as('matching'),
            sql<number>`cast(coalesce(${ofType}, 0) as bigint)`.as('of_type'),
          ];
        })
        .executeTakeFirstOrThrow();
      if (counts.groups === 0) return undefined;

      let totalNumber = counts.matching;
      // When the resource filters keep every log of the policy (of the execute type asked),
      // they are left out of the SQL: the planner cannot know that, and for a filter on a
      // column no index holds, PostgreSQL read and sorted the policy's whole history
      // (2.3x slower at 100,000 logs) instead of stopping after one page of the index.
      const resourceFiltersKeepAll = counts.matching === counts.of_type;
      const sqlQuery: LogQuery = resourceFiltersKeepAll ? withoutResourceFilters(q) : q;
      if (!useCounts && totalNumber > 0) {
        const plan =
          q.logId === undefined &&
          resourceFiltersKeepAll &&
          counts.of_type >= this.#dayCountsFromLogs
            ? windowCountPlan(q.startTime, q.endTime)
            : undefined;
        if (plan === undefined) {
          const row = await countQuery(db, sqlQuery).executeTakeFirstOrThrow();
          totalNumber = row.n;
        } else {
          const row: Record<string, number> = await windowCountQuery(
            db,
            sqlQuery,
            plan,
          ).executeTakeFirstOrThrow();
          totalNumber = row.days ?? 0;
          plan.edges.forEach((edge, i) => {
            totalNumber += edge.sign * (row[`edge${String(i)}`] ?? 0);
          });
        }
      }
      if (totalNumber === 0 || q.limit === 0 || q.startNumber >= totalNumber) {
        return { totalNumber, logs: [] };
      }
      const rows = await pageQuery(db, sqlQuery).execute();
      return { totalNumber, logs: rows.map(rowToLog) };
    });
  }

  async writeSession<T>(work: (writer: LogWriter) => Promise<T>): Promise<T> {
    let inserted = 0;
    const result = await this.#guard(
      () =>
        inTransaction(
          this.#b.db,
          this.#b.beginStatements,
          async (conn) => {
            const writer = new SqlLogWriter(conn, this.#b.insertChunkRows, this.#b.runEach);
            const value = await work(writer);
            await writer.flush();
            inserted = writer.insertedRows;
            return value;
          },
          this.#b.lockWait,
        ),
      { retryBusy: false },
    );
    if (inserted >= refreshStatisticsAfterRows) {
      // Right after a bulk import PostgreSQL's statistics still describe the table before it
      // (autovacuum analyzes later), and its plans for a busy policy's time window were 3x
      // slower until then. Best effort: the import itself has committed.
      await this.#b.db
        .connection()
        .execute(async (conn) => {
          for (const statement of this.#b.refreshStatisticsStatements) {
            await sql
              .raw(statement)
              .execute(conn)
              .catch(() => undefined);
          }
        })
        .catch(() => undefined);
    }
    return result;
  }

  async engineSession<T>(work: (tx: EngineTransaction) => Promise<T>): Promise<T> {
    return this.#guard(
      () =>
        inTransaction(
          this.#b.db,
          this.#b.engineBeginStatements,
          async (conn) => {
            const writer = new SqlLogWriter(conn, this.#b.insertChunkRows, this.#b.runEach);
            const value = await work(
              new SqlEngineTransaction(conn, {
                rowLocks: this.#b.rowLocks,
                ...(this.#b.byteCollation === undefined
                  ? {}
                  : { byteCollation: this.#b.byteCollation }),
                writer,
                readLog: (projectId, logId) => readLog(conn, projectId, logId),
              }),
            );
            await writer.flush();
            return value;
          },
          this.#b.lockWait,
        ),
      { retryBusy: false },
    );
  }

  async engineRead<T>(work: (tx: EngineTransaction) => Promise<T>): Promise<T> {
    const db = this.#reads;
    return this.#guard(() =>
      work(
        new SqlEngineTransaction(db, {
          rowLocks: false,
          ...(this.#b.byteCollation === undefined ? {} : { byteCollation: this.#b.byteCollation }),
          readLog: (projectId, logId) => readLog(db, projectId, logId),
        }),
      ),
    );
  }

  async *exportLogs(filter: ExportFilter): AsyncIterable<ExecutionLog> {
    if (filter.projectId !== undefined || filter.policyId === undefined) {
      yield* this.#exportRange(filter.projectId, filter.policyId);
      return;
    }
    // A policy id alone: the count table names the projects that have it, and each
    // (project, policy) pair is one range of the index, instead of a scan of every log.
    const policyId = filter.policyId;
    const projects = await this.#guard(() =>
      this.#reads
        .selectFrom('policy_log_counts')
        .where('policy_id', '=', policyId)
        .select('project_id')
        .distinct()
        .orderBy('project_id')
        .execute(),
    );
    for (const { project_id } of projects) yield* this.#exportRange(project_id, policyId);
  }

  /**
   * Every log of a project, of a project's policy, or of the whole store, in index order
   * (project, policy, execute_time, id), read in keyset batches: constant memory, and each
   * batch starts where the last ended instead of skipping rows with OFFSET.
   */
  async *#exportRange(
    projectId: string | undefined,
    policyId: string | undefined,
  ): AsyncIterable<ExecutionLog> {
    let after: Row | undefined;
    for (;;) {
      const cursor = after;
      const rows: Row[] = await this.#guard(() =>
        this.#reads
          .selectFrom('execution_logs')
          .selectAll()
          .where((eb) => {
            const conds: Expression<SqlBool>[] = [];
            if (projectId !== undefined) conds.push(eb('project_id', '=', projectId));
            if (projectId !== undefined && policyId !== undefined)
              conds.push(eb('policy_id', '=', policyId));
            if (cursor !== undefined) {
              // The tuple compared is the index's key after its equality prefix, so both
              // engines read it as one index range.
              if (projectId === undefined) {
                conds.push(
                  eb(
                    eb.refTuple('project_id', 'policy_id', 'execute_time', 'id'),
                    '>',
                    eb.tuple(cursor.project_id, cursor.policy_id, cursor.execute_time, cursor.id),
                  ),
                );
              } else if (policyId === undefined) {
                conds.push(
                  eb(
                    eb.refTuple('policy_id', 'execute_time', 'id'),
                    '>',
                    eb.tuple(cursor.policy_id, cursor.execute_time, cursor.id),
                  ),
                );
              } else {
                conds.push(
                  eb(
                    eb.refTuple('execute_time', 'id'),
                    '>',
                    eb.tuple(cursor.execute_time, cursor.id),
                  ),
                );
              }
            }
            return eb.and(conds);
          })
          .orderBy('project_id')
          .orderBy('policy_id')
          .orderBy('execute_time')
          .orderBy('id')
          .limit(exportBatchRows)
          .execute(),
      );
      for (const row of rows) yield rowToLog(row);
      if (rows.length < exportBatchRows) return;
      after = rows[rows.length - 1];
    }
  }

  async insertCredential(credential: {
    readonly ak: string;
    readonly projectId: string;
    readonly skCiphertext: string;
    readonly createdAt: number;
  }): Promise<boolean> {
    const result = await this.#guard(() =>
      this.#b.db
        .insertInto('credentials')
        .values({
          ak: credential.ak,
          project_id: credential.projectId,
          sk_ciphertext: credential.skCiphertext,
          created_at: credential.createdAt,
          locked_until: null,
        })
        .onConflict((oc) => oc.column('ak').doNothing())
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async getCredential(ak: string): Promise<StoredCredential | undefined> {
    const row = await this.#guard(() =>
      this.#reads.selectFrom('credentials').selectAll().where('ak', '=', ak).executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToCredential(row);
  }

  async listCredentials(projectId?: string): Promise<CredentialListing[]> {
    const rows = await this.#guard(() => {
      let query = this.#reads.selectFrom('credentials').select(['ak', 'project_id', 'created_at']);
      if (projectId !== undefined) query = query.where('project_id', '=', projectId);
      return query.orderBy('project_id').orderBy('ak').execute();
    });
    return rows.map((row) => ({
      ak: row.ak,
      projectId: row.project_id,
      createdAt: row.created_at,
    }));
  }

  async deleteCredential(ak: string): Promise<boolean> {
    const result = await this.#guard(() =>
      this.#b.db.deleteFrom('credentials').where('ak', '=', ak).executeTakeFirst(),
    );
    // Afterwards, so a failure counted meanwhile is not left behind; a new credential with
    // this AK starts with nothing remembered.
    await this.#guard(() =>
      this.#b.db.deleteFrom('signature_lockouts').where('ak', '=', ak).execute(),
    );
    return Number(result.numDeletedRows) > 0;
  }

  async countCredentials(): Promise<number> {
    const row = await this.#guard(() =>
      this.#reads
        .selectFrom('credentials')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    return row.n;
  }

  async getSignatureLockout(
    ak: string,
    client: string,
    nowMs: number,
  ): Promise<SignatureLockout | undefined> {
    const row = await this.#guard(() =>
      this.#reads
        .selectFrom('signature_lockouts')
        .selectAll()
        .where('ak', '=', ak)
        .where('client', '=', client)
        .where('forget_at', '>', nowMs)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToLockout(row);
  }

  async listSignatureLockouts(nowMs: number, ak?: string): Promise<SignatureLockout[]> {
    const rows = await this.#guard(() => {
      let query = this.#reads
        .selectFrom('signature_lockouts')
        .selectAll()
        .where('forget_at', '>', nowMs);
      if (ak !== undefined) query = query.where('ak', '=', ak);
      return query.orderBy('ak').orderBy('client').execute();
    });
    return rows.map(rowToLockout);
  }

  async recordSignatureFailure(
    ak: string,
    client: string,
    nowMs: number,
    policy: LockoutPolicy,
  ): Promise<SignatureLockout | undefined> {
    // One statement: the database adds to the stored count, so failures counted by several
    // servers at once are all kept. Both engines read the old row on the right of SET, so
    // every expression below sees the row as it was before this failure.
    const t = sql.ref('signature_lockouts');
    const now = bigint(nowMs);
    // Nothing counts from a row whose quiet period has passed (pruning may not have run).
    const stale = sql<boolean>`${t}.forget_at <= ${now}`;
    const lockedNow = sql<boolean>`coalesce(${t}.locked_until, 0) > ${now}`;
    const failures = sql<number>`case when ${stale} then 1 else ${t}.failures + 1 end`;
    const lastLockMs = sql<number>`case when ${stale} then 0 else ${t}.lock_ms end`;
    const nextLockMs = sql<number>`case when ${lastLockMs} = 0 then ${bigint(policy.lockMs)}
      when ${lastLockMs} * 2 >= ${bigint(policy.maxLockMs)} then ${bigint(policy.maxLockMs)}
      else ${lastLockMs} * 2 end`;
    // A failure while locked (a server whose cache has not seen the lock yet) changes no lock.
    const locks = sql<boolean>`not (${lockedNow}) and ${failures} > ${policy.maxConsecutiveFailures}`;
    const lockedUntil = sql<number | null>`case when ${lockedNow} then ${t}.locked_until
      when ${locks} then ${now} + ${nextLockMs} else null end`;
    const forgetAt = sql<number>`case when ${lockedNow} then ${t}.locked_until
      when ${locks} then ${now} + ${nextLockMs} else ${now} end + ${bigint(policy.forgetAfterMs)}`;
    const upsert = sql<Selectable<SignatureLockoutsTable>>`
      insert into signature_lockouts (ak, client, failures, lock_ms, locked_until, forget_at)
      select ak, ${client}, 1, ${bigint(0)}, cast(null as bigint), ${bigint(nowMs + policy.forgetAfterMs)}
      from credentials where ak = ${ak}
      on conflict (ak, client) do update set
        failures = ${failures},
        lock_ms = case when ${locks} then ${nextLockMs} else ${lastLockMs} end,
        locked_until = ${lockedUntil},
        forget_at = ${forgetAt}
      returning ak, client, failures, lock_ms, locked_until, forget_at`;
    const result = await this.#guard(() => upsert.execute(this.#b.db));
    const row = result.rows[0];
    if (row === undefined) return undefined;
    // The failure is counted; pruning is housekeeping. Servers pruning the same rows at once
    // can deadlock on PostgreSQL, and one of them is refused: that must not turn the
    // caller's 401 into a 500. What is left is pruned by the next failure.
    await this.#pruneSignatureLockouts(ak, client, nowMs, policy.maxClientsPerAk).catch(
      () => undefined,
    );
    return rowToLockout(row);
  }

  /**
   * Deletes every forgotten row, then the rows of `ak` past `maxClients` that would be
   * forgotten soonest, `client`'s excepted. Concurrent failures may overshoot the cap by a
   * few rows until the next failure of the AK.
   */
  async #pruneSignatureLockouts(
    ak: string,
    client: string,
    nowMs: number,
    maxClients: number,
  ): Promise<void> {
    await this.#guard(() =>
      this.#b.db.deleteFrom('signature_lockouts').where('forget_at', '<=', nowMs).execute(),
    );
    const { n } = await this.#guard(() =>
      this.#b.db
        .selectFrom('signature_lockouts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('ak', '=', ak)
        .executeTakeFirstOrThrow(),
    );
    const excess = n - maxClients;
    if (excess <= 0) return;
    await this.#guard(() =>
      this.#b.db
        .deleteFrom('signature_lockouts')
        .where('ak', '=', ak)
        .where('client', 'in', (eb) =>
          eb
            .selectFrom('signature_lockouts')
            .select('client')
            .where('ak', '=', ak)
            .where('client', '<>', client)
            .orderBy('forget_at')
            .orderBy('client')
            .limit(excess),
        )
        .execute(),
    );
  }

  async recordSignatureSuccess(ak: string, client: string): Promise<void> {
    // A delete that matches nothing writes nothing: the usual good request stays a read.
    await this.#guard(() =>
      this.#b.db
        .deleteFrom('signature_lockouts')
        .where('ak', '=', ak)
        .where('client', '=', client)
        .execute(),
    );
  }

  async insertToken(token: {
    readonly tokenHash: string;
    readonly projectId: string;
    readonly createdAt: number;
    readonly expiresAt: number;
  }): Promise<void> {
    await this.#guard(() =>
      this.#b.db
        .insertInto('tokens')
        .values({
          token_hash: token.tokenHash,
          project_id: token.projectId,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          revoked_at: null,
        })
        .execute(),
    );
  }

  async getToken(tokenHash: string): Promise<StoredToken | undefined> {
    const row = await this.#guard(() =>
      this.#reads
        .selectFrom('tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : rowToToken(row);
  }

  async revokeToken(tokenHash: string, nowMs: number): Promise<boolean> {
    const result = await this.#guard(() =>
      this.#b.db
        .updateTable('tokens')
        .set({ revoked_at: sql<number>`coalesce(revoked_at, ${nowMs})` })
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  async getSetting(name: string): Promise<string | undefined> {
    const row = await this.#guard(() =>
      this.#reads
        .selectFrom('store_settings')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirst(),
    );
    return row?.value;
  }

  async putSettingIfAbsent(name: string, value: string): Promise<string> {
    return this.#guard(async () => {
      await this.#b.db
        .insertInto('store_settings')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      // Whoever inserted first, this reads the value that won; settings are never updated.
      const row = await this.#b.db
        .selectFrom('store_settings')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return row.value;
    });
  }

  async ping(): Promise<void> {
    await this.#guard(() => sql`select 1`.execute(this.#reads));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#b.db.destroy();
    await this.#b.close?.();
  }

  /**
   * Maps driver errors to the contract's errors; anything else passes through unchanged.
   * An `op` that meets another connection's lock is run again, off the event loop, until the
   * backend's lock wait is over (see {@link SqlBackend.lockWait}): every `op` given here
   * reads, or writes in one statement that failed whole, so running it again is safe. A
   * transaction (`retryBusy: false`) retries only its begin, in {@link inTransaction}.
   */
  async #guard<T>(op: () => Promise<T>, { retryBusy = true } = {}): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError(`the store at ${this.location} is closed`);
    try {
      return await (retryBusy ? retryWhileBusy(this.#b.lockWait, op) : op());
    } catch (e: unknown) {
      const kind = this.#b.classifyError(e);
      if (kind === 'busy') {
        throw new StoreBusyError(
          `the store at ${this.location} is busy: another process holds its write lock`,
          { cause: e },
        );
      }
      if (kind === 'unavailable') {
        throw new StoreUnavailableError(`the store at ${this.location} cannot be reached`, {
          cause: e,
        });
      }
      if (kind === 'in-doubt') {
        throw new StoreCommitInDoubtError(
          `a commit on ${this.location} got no answer within its time limit: it may or may not have been applied`,
          { cause: e },
        );
      }
      if (kind === 'timeout') {
        throw new StoreTimeoutError(`a query on ${this.location} ran past its time limit`, {
          cause: e,
        });
      }
      throw e;
    }
  }
}

/** Applies batches of logs inside the transaction of one write session. */
class SqlLogWriter implements LogWriter {
  readonly #trx: Kysely<Database>;
  readonly #chunkRows: number;
  readonly #runEach: SqlBackend['runEach'];
  /** Compiled SQL per statement and chunk size: building a query costs more than running it. */
  readonly #compiled = new Map<string, string>();
  /** Rows this writer inserted so far. */
  insertedRows = 0;
  /** Count changes not yet written, by count row. */
  readonly #countDeltas: Pending<CountKey> = new Map();
  /** Day count changes not yet written, by day row. */
  readonly #dayDeltas: Pending<DayKey> = new Map();

  /** `trx` is one connection on which a transaction is open. */
  constructor(trx: Kysely<Database>, chunkRows: number, runEach?: SqlBackend['runEach']) {
    this.#trx = trx;
    this.#chunkRows = chunkRows;
    this.#runEach = runEach;
  }

  async write(logs: readonly ExecutionLog[]): Promise<WriteResult> {
    if (logs.length === 0) return { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
    const trx = this.#trx;
    const now = Date.now();

    // Insert first: in the common case (new logs) that is the only statement per chunk, and
    // the primary key tells which ids already existed. Only those are read back.
    const firstIndex = new Map<string, number>();
    logs.forEach((log, index) => {
      if (!firstIndex.has(log.id)) firstIndex.set(log.id, index);
    });
    const candidates = [...firstIndex.values()].map((i) => logToRow(logs[i] as ExecutionLog, now));
    const insertedIds = new Set<string>();
    await this.#inChunks(
      'insert-logs',
      candidates,
      (chunk) => {
        const insert = trx
          .insertInto('execution_logs')
          .values(chunk)
          .onConflict((oc) => oc.column('id').doNothing());
        // A single row reports itself in the affected-row count; SQLite's RETURNING would
        // halve its insert rate. Several rows say which of them were new through RETURNING.
        return chunk.length === 1 ? insert : insert.returning('id');
      },
      (chunk, result) => {
        if (chunk.length === 1) {
          if (result.numAffectedRows === 1n)
            insertedIds.add((chunk[0] as Insertable<ExecutionLogsTable>).id);
        } else {
          for (const r of result.rows as { id: string }[]) insertedIds.add(r.id);
        }
      },
    );
    const existingIds = [...firstIndex.keys()].filter((id) => !insertedIds.has(id));
    const stored = new Map<string, ExecutionLog>();
    for (let i = 0; i < existingIds.length; i += this.#chunkRows) {
      const rows = await trx
        .selectFrom('execution_logs')
        .selectAll()
        .where('id', 'in', existingIds.slice(i, i + this.#chunkRows))
        .execute();
      for (const r of rows) stored.set(r.id, rowToLog(r));
    }

    // Decide each log in order against the latest state of its id.
    const current = new Map<string, ExecutionLog>(stored);
    const replaced = new Set<string>();
    const rejected: WriteRejection[] = [];
    const deltas = this.#countDeltas;
    const dayDeltas = this.#dayDeltas;
    const addDelta = (log: ExecutionLog, delta: number): void => {
      const key = countKeyOf(log);
      addPending(deltas, countKeyString(key), key, delta);
      const day = dayOf(log.executeTime);
      addPending(
        dayDeltas,
        `${log.projectId}\0${log.policyId}\0${String(day)}\0${log.executeType}`,
        { projectId: log.projectId, policyId: log.policyId, day, executeType: log.executeType },
        delta,
      );
    };
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    logs.forEach((log, index) => {
      const cur = current.get(log.id);
      if (cur === undefined) {
        // Only the first occurrence of an id that the insert created gets here.
        current.set(log.id, log);
        addDelta(log, 1);
        inserted += 1;
      } else if (cur.projectId !== log.projectId || cur.policyId !== log.policyId) {
        // Never reveal which project or policy holds it.
        rejected.push({
          index,
          reason: `log id ${log.id} already belongs to another policy or project.`,
        });
      } else if (shouldReplace(cur, log)) {
        current.set(log.id, log);
        replaced.add(log.id);
        addDelta(cur, -1);
        addDelta(log, 1);
        updated += 1;
      } else {
        unchanged += 1;
      }
    });

    for (const id of replaced) {
      const { id: key, ...changes } = logToRow(current.get(id) as ExecutionLog, now);
      await trx.updateTable('execution_logs').set(changes).where('id', '=', key).execute();
    }
    if (deltas.size >= maxPendingCounts) await this.#flushCounts();
    if (dayDeltas.size >= maxPendingDays) await this.#flushDays();
    this.insertedRows += inserted;
    return { inserted, updated, unchanged, rejected };
  }

  /**
   * Writes the count changes gathered so far. Counts are gathered over the whole session
   * rather than written per batch: PostgreSQL keeps every version of a row updated inside
   * one transaction, so updating a busy policy's count once per batch makes each later
   * update slower than the last.
   */
  async flush(): Promise<void> {
    await this.#flushCounts();
    await this.#flushDays();
  }

  async #flushCounts(): Promise<void> {
    const countRows = pendingChanges(this.#countDeltas).map(({ key, delta }) => ({
      project_id: key.projectId,
      policy_id: key.policyId,
      resource_type: key.resourceType,
      resource_id: key.resourceId,
      execute_type: key.executeType,
      log_count: delta,
    }));
    await this.#inChunks('add-counts', countRows, (chunk) =>
      this.#trx
        .insertInto('policy_log_counts')
        .values(chunk)
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'policy_id', 'resource_type', 'resource_id', 'execute_type'])
            .doUpdateSet((eb) => ({
              log_count: eb('policy_log_counts.log_count', '+', eb.ref('excluded.log_count')),
            })),
        ),
    );
    this.#countDeltas.clear();
  }

  /** Writes the day count changes gathered so far. */
  async #flushDays(): Promise<void> {
    const dayRows = pendingChanges(this.#dayDeltas).map(({ key, delta }) => ({
      project_id: key.projectId,
      policy_id: key.policyId,
      day: key.day,
      execute_type: key.executeType,
      log_count: delta,
    }));
    await this.#inChunks('add-days', dayRows, (chunk) =>
      this.#trx
        .insertInto('policy_log_days')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['project_id', 'policy_id', 'day', 'execute_type']).doUpdateSet((eb) => ({
            log_count: eb('policy_log_days.log_count', '+', eb.ref('excluded.log_count')),
          })),
        ),
    );
    this.#dayDeltas.clear();
  }

  /**
   * Runs a multi-row INSERT over `rows` in chunks of the backend's size. The SQL of a
   * chunk size is compiled once; later chunks bind their values to it row by row, column
   * by column, the order in which Kysely binds them (checked when compiling).
   */
  async #inChunks<R extends object>(
    name: string,
    rows: readonly R[],
    build: (chunk: R[]) => Compilable,
    onResult?: (chunk: R[], result: QueryResult<unknown>) => void,
  ): Promise<void> {
    const compiledText = (chunk: R[], parameters: readonly unknown[]): string => {
      const key = `${name}:${String(chunk.length)}`;
      let text = this.#compiled.get(key);
      if (text === undefined) {
        const compiled = build(chunk).compile();
        if (!sameValues(compiled.parameters, parameters)) {
          throw new Error(`${name}: the compiled statement binds its values in another order`);
        }
        text = compiled.sql;
        this.#compiled.set(key, text);
      }
      return text;
    };
    const runEach = this.#runEach;
    if (runEach !== undefined && this.#chunkRows === 1) {
      if (rows.length === 0) return;
      const lists = rows.map((row) => Object.values(row) as unknown[]);
      const text = compiledText([rows[0] as R], lists[0] as unknown[]);
      const changes = runEach(text, lists);
      if (onResult !== undefined) {
        rows.forEach((row, i) => {
          onResult([row], { rows: [], numAffectedRows: BigInt(changes[i] ?? 0) });
        });
      }
      return;
    }
    for (let i = 0; i < rows.length; i += this.#chunkRows) {
      const chunk = rows.slice(i, i + this.#chunkRows);
      const parameters = chunk.flatMap((row) => Object.values(row) as unknown[]);
      const text = compiledText(chunk, parameters);
      const result = await this.#trx.executeQuery(CompiledQuery.raw(text, parameters));
      onResult?.(chunk, result);
    }
  }
}

/** Count changes not yet written, by the key string of their row. */
type Pending<K> = Map<string, { key: K; delta: number }>;

function addPending<K>(pending: Pending<K>, keyString: string, key: K, delta: number): void {
  const entry = pending.get(keyString);
  if (entry === undefined) pending.set(keyString, { key, delta });
  else entry.delta += delta;
}

/**
 * The changes to write, in key order, so that concurrent writers lock count rows in one
 * order and cannot deadlock. A zero delta (an update that left the log in its row) needs no
 * write.
 */
function pendingChanges<K>(pending: Pending<K>): { key: K; delta: number }[] {
  return [...pending.entries()]
    .filter(([, v]) => v.delta !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => v);
}

const sameValues = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);
