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
import type { CompiledQuery } from 'kysely';
import type { LogQuery } from '../src/domain/log-query.js';
import type { ActivityFilter } from '../src/store/resource-store.js';
import { activityListQueries } from '../src/store/sql/activity-repository.js';
import type { Database } from '../src/store/schema.js';
import { countQuery, pageQuery } from '../src/store/sql-store.js';
import type { BenchStore } from './bench-options.js';

/**
 * The SQL text the store sends for a page and for a filtered count, built by the store's
 * own query builders and compiled by Kysely for each backend without a connection, so the
 * driver-side floors run exactly the statement the store runs, with the same placeholders.
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

/** The page statement of `SqlStore.queryLogs`. */
export function pageSql(store: BenchStore, q: LogQuery): CompiledQuery {
  return pageQuery(compiler(store), q).compile();
}

/** The count statement `SqlStore.queryLogs` runs when a time window or log id is given. */
export function countSql(store: BenchStore, q: LogQuery): CompiledQuery {
  return countQuery(compiler(store), q).compile();
}

/** The count and page statements of an activity list page 0 (limit 20), as the store sends them. */
export function activitySql(
  store: BenchStore,
  projectId: string,
  groupId: string,
  filter: ActivityFilter,
  nowMs: number,
): { count: CompiledQuery; page: CompiledQuery } {
  const q = activityListQueries(
    compiler(store),
    projectId,
    groupId,
    filter,
    { startNumber: 0, limit: 20 },
    nowMs,
  );
  return { count: q.count.compile(), page: q.page.compile() };
}
