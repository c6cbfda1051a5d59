import { sql } from 'kysely';
import type { Expression, Kysely, Selectable, SqlBool } from 'kysely';
import { activityAt } from '../../domain/scaling-activity.js';
import type {
  ActivityInstance,
  ActivityStatus,
  ActivityType,
  ScalingActivity,
} from '../../domain/scaling-activity.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type {
  ActivityExportCursor,
  ActivityExportFilter,
  ActivityFilter,
  ActivityRepository,
  Paging,
} from '../resource-store.js';
import type { Database, ScalingActivitiesTable } from '../schema.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Scaling activities: the resource transaction's `activities` (see `ActivityRepository`).

/** The instance lists, kept together in one JSON column. */
interface InstanceLists {
  readonly added: readonly ActivityInstance[];
  readonly removed: readonly ActivityInstance[];
  readonly deleted: readonly ActivityInstance[];
  readonly failed: readonly ActivityInstance[];
  readonly standby: readonly ActivityInstance[];
}

function rowToActivity(row: Selectable<ScalingActivitiesTable>): ScalingActivity {
  const lists = JSON.parse(row.instances) as Partial<InstanceLists>;
  const activity: Mutable<ScalingActivity> = {
    id: row.id,
    projectId: row.project_id,
    groupId: row.group_id,
    status: row.status as ActivityStatus,
    type: row.type as ActivityType,
    startTime: row.start_time,
    description: row.description,
    instanceValue: row.instance_value,
    desireValue: row.desire_value,
    scalingValue: row.scaling_value,
    added: lists.added ?? [],
    removed: lists.removed ?? [],
    deleted: lists.deleted ?? [],
    failed: lists.failed ?? [],
    standby: lists.standby ?? [],
  };
  if (row.end_time !== null) activity.endTime = row.end_time;
  if (row.settles_at !== null) activity.settlesAt = row.settles_at;
  return activity;
}

/** The row of an activity (exported for the bench's bulk writer). */
export function activityToRow(a: ScalingActivity): ScalingActivitiesTable {
  const lists: InstanceLists = {
    added: a.added,
    removed: a.removed,
    deleted: a.deleted,
    failed: a.failed,
    standby: a.standby,
  };
  return {
    id: a.id,
    project_id: a.projectId,
    group_id: a.groupId,
    status: a.status,
    type: a.type,
    start_time: a.startTime,
    end_time: a.endTime ?? null,
    settles_at: a.status === 'DOING' ? (a.settlesAt ?? null) : null,
    description: a.description,
    instance_value: a.instanceValue,
    desire_value: a.desireValue,
    scaling_value: a.scalingValue,
    instances: JSON.stringify(lists),
  };
}

/** The condition "has `status` at `nowMs`" (see `activityAt`) in SQL. */
function statusAt(status: ActivityStatus, nowMs: UnixMs) {
  switch (status) {
    case 'DOING':
      return sql<boolean>`(status = 'DOING' and (settles_at is null or settles_at > ${nowMs}))`;
    case 'SUCCESS':
      return sql<boolean>`(status = 'SUCCESS' or (status = 'DOING' and settles_at <= ${nowMs}))`;
    case 'FAIL':
      return sql<boolean>`(status = 'FAIL')`;
  }
}

/**
 * The two statements of a list: how many match, and the page, newest first. A page of one
 * group is a range of the index (project_id, group_id, start_time, id) read backwards, so
 * its cost does not grow with the rest of the store. Exported for the bench's query plans.
 */
export function activityListQueries(
  db: Kysely<Database>,
  projectId: string,
  groupId: string,
  filter: ActivityFilter,
  paging: Paging,
  nowMs: UnixMs,
) {
  let base = db
    .selectFrom('scaling_activities')
    .where('project_id', '=', projectId)
    .where('group_id', '=', groupId);
  if (filter.from !== undefined) base = base.where('start_time', '>=', filter.from);
  if (filter.to !== undefined) base = base.where('start_time', '<=', filter.to);
  if (filter.id !== undefined) base = base.where('id', '=', filter.id);
  if (filter.types !== undefined) base = base.where('type', 'in', filter.types);
  if (filter.status !== undefined) base = base.where(statusAt(filter.status, nowMs));
  return {
    count: base.select((eb) => eb.fn.countAll<number>().as('total')),
    page: base
      .selectAll()
      .orderBy('start_time', 'desc')
      .orderBy('id', 'desc')
      .limit(paging.limit)
      .offset(paging.startNumber),
  };
}

async function listActivities(
  r: ResourceDb,
  projectId: string,
  groupId: string,
  filter: ActivityFilter,
  paging: Paging,
  nowMs: UnixMs,
): Promise<{ total: number; activities: ScalingActivity[] }> {
  const { count, page } = activityListQueries(r.db, projectId, groupId, filter, paging, nowMs);
  const { total } = await count.executeTakeFirstOrThrow();
  const rows = paging.limit === 0 ? [] : await page.execute();
  return {
    total,
    activities: rows.map((row) => activityAt(rowToActivity(row), nowMs)),
  };
}

async function settleDue(r: ResourceDb, nowMs: UnixMs, limit: number): Promise<number> {
  const due = await r.db
    .selectFrom('scaling_activities')
    .select(['id'])
    .where('settles_at', '<=', nowMs)
    .where('status', '=', 'DOING')
    .orderBy('settles_at')
    .limit(limit)
    .execute();
  if (due.length === 0) return 0;
  // The status it changes from is in the statement: a second server finds nothing to change.
  const result = await r.db
    .updateTable('scaling_activities')
    .set({ status: 'SUCCESS', end_time: sql`settles_at`, settles_at: null })
    .where(
      'id',
      'in',
      due.map((row) => row.id),
    )
    .where('status', '=', 'DOING')
    .where('settles_at', '<=', nowMs)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * `settleDue` returning the rows it changed: the update's condition keeps the status it
 * changes from, so of servers racing it each row is returned to one only.
 */
async function settleDueReturning(
  r: ResourceDb,
  nowMs: UnixMs,
  limit: number,
): Promise<ScalingActivity[]> {
  const due = await r.db
    .selectFrom('scaling_activities')
    .select(['id'])
    .where('settles_at', '<=', nowMs)
    .where('status', '=', 'DOING')
    .orderBy('settles_at')
    .limit(limit)
    .execute();
  if (due.length === 0) return [];
  const rows = await r.db
    .updateTable('scaling_activities')
    .set({ status: 'SUCCESS', end_time: sql`settles_at`, settles_at: null })
    .where(
      'id',
      'in',
      due.map((row) => row.id),
    )
    .where('status', '=', 'DOING')
    .where('settles_at', '<=', nowMs)
    .returningAll()
    .execute();
  return rows.map(rowToActivity);
}

/** Rows per insert statement: 13 columns each, well under either backend's bound on parameters. */
const insertChunkRows = 500;

async function insertMany(r: ResourceDb, activities: readonly ScalingActivity[]): Promise<void> {
  for (let i = 0; i < activities.length; i += insertChunkRows) {
    const rows = activities.slice(i, i + insertChunkRows).map(activityToRow);
    await r.db.insertInto('scaling_activities').values(rows).execute();
  }
}

async function byIds(r: ResourceDb, ids: readonly string[]): Promise<ScalingActivity[]> {
  if (ids.length === 0) return [];
  const rows = await r.db
    .selectFrom('scaling_activities')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(rowToActivity);
}

/**
 * A keyset page in the order of the group index (project, group, start time, id): the tuple
 * compared is the index's key after the filter's equality prefix, so both engines read one
 * index range and never skip rows with OFFSET.
 */
async function exportPage(
  r: ResourceDb,
  filter: ActivityExportFilter,
  after: ActivityExportCursor | undefined,
  limit: number,
): Promise<ScalingActivity[]> {
  const { projectId, groupId } = filter;
  const rows = await r.db
    .selectFrom('scaling_activities')
    .selectAll()
    .where((eb) => {
      const conds: Expression<SqlBool>[] = [];
      if (projectId !== undefined) conds.push(eb('project_id', '=', projectId));
      if (projectId !== undefined && groupId !== undefined) {
        conds.push(eb('group_id', '=', groupId));
      }
      if (after !== undefined) {
        if (projectId === undefined) {
          conds.push(
            eb(
              eb.refTuple('project_id', 'group_id', 'start_time', 'id'),
              '>',
              eb.tuple(after.projectId, after.groupId, after.startTime, after.id),
            ),
          );
        } else if (groupId === undefined) {
          conds.push(
            eb(
              eb.refTuple('group_id', 'start_time', 'id'),
              '>',
              eb.tuple(after.groupId, after.startTime, after.id),
            ),
          );
        } else {
          conds.push(eb(eb.refTuple('start_time', 'id'), '>', eb.tuple(after.startTime, after.id)));
        }
      }
      return eb.and(conds);
    })
    .orderBy('project_id')
    .orderBy('group_id')
    .orderBy('start_time')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(rowToActivity);
}

/** The activity repository of a session's connection. */
export const activityRepository = (r: ResourceDb): ActivityRepository => ({
  insert: async (activity) => {
    await r.db.insertInto('scaling_activities').values(activityToRow(activity)).execute();
  },
  get: async (projectId, id) => {
    const row = await r.db
      .selectFrom('scaling_activities')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToActivity(row);
  },
  update: async (activity) => {
    const { id, project_id: projectId, ...rest } = activityToRow(activity);
    await r.db
      .updateTable('scaling_activities')
      .set(rest)
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .execute();
  },
  list: (projectId, groupId, filter, paging, nowMs) =>
    listActivities(r, projectId, groupId, filter, paging, nowMs),
  settleDue: (nowMs, limit) => settleDue(r, nowMs, limit),
  settleDueReturning: (nowMs, limit) => settleDueReturning(r, nowMs, limit),
  insertMany: (activities) => insertMany(r, activities),
  byIds: (ids) => byIds(r, ids),
  exportPage: (filter, after, limit) => exportPage(r, filter, after, limit),
  anyDue: async (nowMs) => {
    const row = await r.db
      .selectFrom('scaling_activities')
      .select('id')
      .where('settles_at', '<=', nowMs)
      .where('status', '=', 'DOING')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },
});
