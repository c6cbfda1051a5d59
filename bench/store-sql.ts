import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { CompiledQuery, Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { LogQuery } from '../src/domain/log-query.js';
import type { Database } from '../src/store/schema.js';
import type { BenchStore } from './bench-options.js';

/**
 * The SQL text the store sends for a page and for a filtered count, compiled by Kysely for
 * each backend without a connection, so the driver-side floors run exactly the statement
 * the store runs, with the same placeholders.
 *
 * This mirrors `logFilters` and `queryLogs` in src/store/sql-store.ts; if those change
 * shape, change this too (the deep-page figure compares the two).
 */
function compiler(store: BenchStore): Kysely<Database> {
  return new Kysely<Database>({
    dialect:
      store === 'sqlite'
        ? {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler(),
          }
        : {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler(),
          },
  });
}

type Eb = ExpressionBuilder<Database, 'execution_logs'>;

function filters(eb: Eb, q: LogQuery): Expression<SqlBool>[] {
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

/** The page statement of `SqlStore.queryLogs`. */
export function pageSql(store: BenchStore, q: LogQuery): CompiledQuery {
  return compiler(store)
    .selectFrom('execution_logs')
    .selectAll()
    .where((eb) => eb.and(filters(eb, q)))
    .orderBy('execute_time', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .offset(q.startNumber)
    .compile();
}

/** The count statement `SqlStore.queryLogs` runs when a time window or log id is given. */
export function countSql(store: BenchStore, q: LogQuery): CompiledQuery {
  return compiler(store)
    .selectFrom('execution_logs')
    .where((eb) => eb.and(filters(eb, q)))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .compile();
}
