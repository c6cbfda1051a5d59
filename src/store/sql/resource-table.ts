import { sql } from 'kysely';
import type { Kysely, SelectQueryBuilder, Selectable, UpdateObject } from 'kysely';
import type { Paging, ResourceCrud } from '../resource-store.js';
import type { Database } from '../schema.js';

/**
 * Where the repositories of the engine's resources read and write: one connection with an
 * engine session's transaction open (or, for reads only, the pool), and what the backend
 * can do there.
 */
export interface ResourceDb {
  readonly db: Kysely<Database>;
  /**
   * Whether `for update` takes row locks (PostgreSQL), where SQLite's write transaction
   * already excludes every other.
   */
  readonly rowLocks: boolean;
  /** The backend's key lock (`SqlBackend.lockKey`), where it has one. */
  readonly lockKey?: (db: Kysely<Database>, key: string) => Promise<void>;
  /** A collation that orders text by its bytes, where the default may not (PostgreSQL). */
  readonly byteCollation?: string | undefined;
}

/** The tables of the resources the API addresses by project and id. */
export type ResourceTable =
  'scaling_groups' | 'bandwidths' | 'scaling_policies' | 'scaling_configurations';

/** A query over one resource table, widened to all of them (see {@link findResource}). */
export type ResourceQuery = SelectQueryBuilder<Database, ResourceTable, object>;

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const mapRow = <R, T>(row: R | undefined, map: (row: R) => T): T | undefined =>
  row === undefined ? undefined : map(row);

/**
 * The row of `table` with this id in this project; with `lock`, held (on PostgreSQL) until
 * the session ends.
 */
export async function findResource<T extends ResourceTable>(
  r: ResourceDb,
  table: T,
  projectId: string,
  id: string,
  lock: boolean,
): Promise<Selectable<Database[T]> | undefined> {
  // Widened from T: Kysely resolves the columns of a union of tables, not of a type parameter.
  const from: ResourceTable = table;
  const query = r.db
    .selectFrom(from)
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', id);
  const row = await (lock && r.rowLocks ? query.forUpdate() : query).executeTakeFirst();
  // Every resource table is keyed by (project_id, id): the row is of `table`.
  return row as Selectable<Database[T]> | undefined;
}

/**
 * The statements every resource has, for the resource of `table`, on a connection: insert,
 * get, lock (get holding the row), update and delete by project and id, mapped with `toRow`
 * and `fromRow`.
 */
export function resourceCrud<T extends ResourceTable, R>(
  table: T,
  toRow: (resource: R) => Database[T],
  fromRow: (row: Selectable<Database[T]>) => R,
): (r: ResourceDb) => ResourceCrud<R> {
  return (r) => ({
    insert: async (resource) => {
      const into: ResourceTable = table;
      await r.db.insertInto(into).values(toRow(resource)).execute();
    },
    get: async (projectId, id) =>
      mapRow(await findResource(r, table, projectId, id, false), fromRow),
    lock: async (projectId, id) =>
      mapRow(await findResource(r, table, projectId, id, true), fromRow),
    update: async (resource) => {
      await updateResource(r, table, toRow(resource));
    },
    delete: (projectId, id) => deleteResource(r, table, projectId, id),
  });
}

/** Writes every column of `row` but its key over the stored row of that project and id. */
export async function updateResource<T extends ResourceTable>(
  r: ResourceDb,
  table: T,
  row: Database[T],
): Promise<void> {
  const { id, project_id: projectId, ...rest } = row;
  const into: ResourceTable = table;
  await r.db
    .updateTable(into)
    // The columns of `table`'s own row type, which the widened table cannot prove.
    .set(rest as UpdateObject<Database, ResourceTable>)
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .execute();
}

export async function deleteResource(
  r: ResourceDb,
  table: ResourceTable,
  projectId: string,
  id: string,
): Promise<boolean> {
  const result = await r.db
    .deleteFrom(table)
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A column a resource list is ordered by. */
export type ListColumn = 'create_time' | 'name' | 'policy_type';

/** Newest first: the order of every resource list that names no other. */
export const newestFirst = { column: 'create_time', direction: 'desc' } as const;

/**
 * A page of the project's rows of `table` that `filter` keeps, in `order` then by id in the
 * same direction, and how many it keeps in all.
 */
export async function listResources<T extends ResourceTable>(
  r: ResourceDb,
  table: T,
  projectId: string,
  filter: (query: ResourceQuery) => ResourceQuery,
  paging: Paging,
  order: { readonly column: ListColumn; readonly direction: 'asc' | 'desc' } = newestFirst,
): Promise<{ total: number; rows: Selectable<Database[T]>[] }> {
  const from: ResourceTable = table;
  const base = filter(r.db.selectFrom(from).where('project_id', '=', projectId));
  const { total } = await base
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows =
    paging.limit === 0
      ? []
      : await base
          .selectAll()
          .orderBy(byBytes(r, order.column), order.direction)
          .orderBy('id', order.direction)
          .limit(paging.limit)
          .offset(paging.startNumber)
          .execute();
  // The rows are of `table`, as in findResource.
  return { total, rows: rows as Selectable<Database[T]>[] };
}

/** Every row of the project's `table` that `filter` keeps, newest first. */
export async function allResources<T extends ResourceTable>(
  r: ResourceDb,
  table: T,
  projectId: string,
  filter: (query: ResourceQuery) => ResourceQuery,
): Promise<Selectable<Database[T]>[]> {
  const from: ResourceTable = table;
  const rows = await filter(r.db.selectFrom(from).where('project_id', '=', projectId))
    .selectAll()
    .orderBy('create_time', 'desc')
    .orderBy('id', 'desc')
    .execute();
  // The rows are of `table`, as in findResource.
  return rows as Selectable<Database[T]>[];
}

/** Orders text the same on every backend: by bytes, whatever the database's locale. */
function byBytes(r: ResourceDb, column: ListColumn) {
  return r.byteCollation === undefined || column === 'create_time'
    ? sql.ref(column)
    : sql`${sql.ref(column)} collate ${sql.id(r.byteCollation)}`;
}
