import type { Selectable } from 'kysely';
import type { ScheduledTask, TaskNumbers, TaskSchedule } from '../../domain/scheduled-task.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type { ScheduledTasksTable } from '../schema.js';
import type { DueTask, ScheduledTaskRepository, TaskCursor } from '../scheduled-task-store.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Scheduled tasks: the resource transaction's `scheduledTasks` (see `ScheduledTaskRepository`).

function rowToTask(row: Selectable<ScheduledTasksTable>): ScheduledTask {
  const task: Mutable<ScheduledTask> = {
    id: row.id,
    projectId: row.project_id,
    groupId: row.group_id,
    name: row.name,
    schedule: JSON.parse(row.scheduled_policy) as TaskSchedule,
    numbers: JSON.parse(row.instance_number) as TaskNumbers,
    createTime: row.create_time,
    updateTime: row.update_time,
  };
  if (row.next_fire_at !== null) task.nextFireAt = row.next_fire_at;
  return task;
}

function taskToRow(t: ScheduledTask): ScheduledTasksTable {
  return {
    id: t.id,
    project_id: t.projectId,
    group_id: t.groupId,
    name: t.name,
    scheduled_policy: JSON.stringify(t.schedule),
    instance_number: JSON.stringify(t.numbers),
    create_time: t.createTime,
    update_time: t.updateTime,
    next_fire_at: t.nextFireAt ?? null,
  };
}

async function findTask(
  r: ResourceDb,
  projectId: string,
  groupId: string,
  id: string,
  lock: boolean,
): Promise<ScheduledTask | undefined> {
  const query = r.db
    .selectFrom('scheduled_tasks')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('group_id', '=', groupId)
    .where('id', '=', id);
  const row = await (lock && r.rowLocks ? query.forUpdate() : query).executeTakeFirst();
  return row === undefined ? undefined : rowToTask(row);
}

async function listTasks(
  r: ResourceDb,
  projectId: string,
  groupId: string,
  after: TaskCursor | undefined,
  limit: number,
): Promise<ScheduledTask[]> {
  let query = r.db
    .selectFrom('scheduled_tasks')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('group_id', '=', groupId);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('create_time', '>', after.createTime),
        eb.and([eb('create_time', '=', after.createTime), eb('id', '>', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('create_time', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(rowToTask);
}

async function countTasks(r: ResourceDb, projectId: string, groupId: string): Promise<number> {
  const { n } = await r.db
    .selectFrom('scheduled_tasks')
    .where('project_id', '=', projectId)
    .where('group_id', '=', groupId)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

async function deleteTasks(
  r: ResourceDb,
  projectId: string,
  groupId: string,
  id?: string,
): Promise<number> {
  let query = r.db
    .deleteFrom('scheduled_tasks')
    .where('project_id', '=', projectId)
    .where('group_id', '=', groupId);
  if (id !== undefined) query = query.where('id', '=', id);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function dueTasks(r: ResourceDb, nowMs: UnixMs, limit: number): Promise<DueTask[]> {
  const rows = await r.db
    .selectFrom('scheduled_tasks')
    .select(['id', 'project_id', 'group_id', 'next_fire_at'])
    .where('next_fire_at', 'is not', null)
    .where('next_fire_at', '<=', nowMs)
    .orderBy('next_fire_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    taskId: row.id,
    projectId: row.project_id,
    groupId: row.group_id,
    dueAt: row.next_fire_at as UnixMs,
  }));
}

async function claimTrigger(
  r: ResourceDb,
  taskId: string,
  dueAt: UnixMs,
  next: UnixMs | undefined,
): Promise<boolean> {
  const result = await r.db
    .updateTable('scheduled_tasks')
    .set({ next_fire_at: next ?? null })
    .where('id', '=', taskId)
    .where('next_fire_at', '=', dueAt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The scheduled task repository of a session's connection. */
export const scheduledTaskRepository = (r: ResourceDb): ScheduledTaskRepository => ({
  insert: async (task) => {
    await r.db.insertInto('scheduled_tasks').values(taskToRow(task)).execute();
  },
  get: (projectId, groupId, id) => findTask(r, projectId, groupId, id, false),
  lock: (projectId, groupId, id) => findTask(r, projectId, groupId, id, true),
  update: async (task) => {
    const { id, project_id: projectId, group_id: groupId, ...rest } = taskToRow(task);
    await r.db
      .updateTable('scheduled_tasks')
      .set(rest)
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('id', '=', id)
      .execute();
  },
  delete: async (projectId, groupId, id) => (await deleteTasks(r, projectId, groupId, id)) > 0,
  list: (projectId, groupId, after, limit) => listTasks(r, projectId, groupId, after, limit),
  countOf: (projectId, groupId) => countTasks(r, projectId, groupId),
  deleteOfGroup: (projectId, groupId) => deleteTasks(r, projectId, groupId),
  due: (nowMs, limit) => dueTasks(r, nowMs, limit),
  claimTrigger: (taskId, dueAt, next) => claimTrigger(r, taskId, dueAt, next),
});
