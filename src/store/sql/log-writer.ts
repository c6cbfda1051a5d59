import { CompiledQuery, sql } from 'kysely';
import type { Compilable, Insertable, Kysely, QueryResult } from 'kysely';
import { shouldReplace } from '../../domain/execution-log.js';
import type { ExecutionLog } from '../../domain/execution-log.js';
import type { UnixMs } from '../../domain/unix-time.js';
import { inTransaction } from '../in-transaction.js';
import type { Database, ExecutionLogsTable, UnixDay } from '../schema.js';
import type { LogWriter, WriteRejection, WriteResult } from '../log-store.js';
import type { SqlBackend } from './sql-backend.js';
import type { SqlContext } from './sql-context.js';
import { dayOf, logToRow, rowToLog } from './log-rows.js';

/** A write session that inserted this many rows refreshes the planner's statistics. */
const refreshStatisticsAfterRows = 10_000;
/** Count rows gathered in memory before a write session writes them out. */
const maxPendingCounts = 10_000;
/** Day count rows gathered in memory before a write session writes them out. */
const maxPendingDays = 20_000;

/**
 * Runs `work` with a log writer in one write transaction (see `Store.writeSession`), then,
 * after a bulk write, refreshes the planner's statistics.
 */
export async function writeSession<T>(
  context: SqlContext,
  work: (writer: LogWriter) => Promise<T>,
): Promise<T> {
  const b = context.backend;
  let inserted = 0;
  const result = await context.guard(
    () =>
      inTransaction(
        b.db,
        b.beginStatements,
        async (conn) => {
          const writer = new SqlLogWriter(conn, b.insertChunkRows, b.runEach);
          const value = await work(writer);
          await writer.flush();
          inserted = writer.insertedRows;
          return value;
        },
        b.lockWait,
      ),
    { retryBusy: false },
  );
  if (inserted >= refreshStatisticsAfterRows) {
    // Right after a bulk import PostgreSQL's statistics still describe the table before it
    // (autovacuum analyzes later), and its plans for a busy policy's time window were 3x
    // slower until then. Best effort: the import itself has committed.
    await b.db
      .connection()
      .execute(async (conn) => {
        for (const statement of b.refreshStatisticsStatements) {
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

/** Applies batches of logs inside the transaction of one write session. */
export class SqlLogWriter implements LogWriter {
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
    const now: UnixMs = Date.now();

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
    await this.#addToCounts(
      'policy_log_counts',
      ['project_id', 'policy_id', 'resource_type', 'resource_id', 'execute_type'],
      pendingChanges(this.#countDeltas).map(({ key, delta }) => ({
        project_id: key.projectId,
        policy_id: key.policyId,
        resource_type: key.resourceType,
        resource_id: key.resourceId,
        execute_type: key.executeType,
        log_count: delta,
      })),
    );
    this.#countDeltas.clear();
  }

  /** Writes the day count changes gathered so far. */
  async #flushDays(): Promise<void> {
    await this.#addToCounts(
      'policy_log_days',
      ['project_id', 'policy_id', 'day', 'execute_type'],
      pendingChanges(this.#dayDeltas).map(({ key, delta }) => ({
        project_id: key.projectId,
        policy_id: key.policyId,
        day: key.day,
        execute_type: key.executeType,
        log_count: delta,
      })),
    );
    this.#dayDeltas.clear();
  }

  /**
   * Adds each row's `log_count` to the stored row of the same key in `table`, inserting the
   * rows that are new: one upsert per chunk.
   */
  async #addToCounts<T extends CountTable>(
    table: T,
    keyColumns: readonly (keyof Database[T] & string)[],
    rows: readonly Insertable<Database[T]>[],
  ): Promise<void> {
    // Widened from T, as Kysely resolves the columns of a union of tables, not of a type
    // parameter; `rows` and `keyColumns` are of `table` itself.
    const into: CountTable = table;
    await this.#inChunks(table, rows, (chunk) =>
      this.#trx
        .insertInto(into)
        .values(chunk as Insertable<Database[CountTable]>[])
        .onConflict((oc) =>
          oc.columns(keyColumns as (keyof Database[CountTable])[]).doUpdateSet((eb) => ({
            log_count: eb(sql.ref<number>(`${table}.log_count`), '+', eb.ref('excluded.log_count')),
          })),
        ),
    );
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

/** The tables that count logs, by policy and resource or by policy and day. */
type CountTable = 'policy_log_counts' | 'policy_log_days';

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
  readonly day: UnixDay;
  readonly executeType: string;
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
