import type { Selectable } from 'kysely';
import type {
  HookDefaultResult,
  HookType,
  HookWait,
  HookWaitStatus,
  LifecycleHook,
} from '../../domain/lifecycle-hook.js';
import type { LifecycleHookRepository } from '../lifecycle-hook-repository.js';
import type { LifecycleHookWaitsTable, LifecycleHooksTable } from '../schema.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Lifecycle hooks and their holds: the resource transaction's `lifecycleHooks` (see
// `LifecycleHookRepository`).

function rowToHook(row: Selectable<LifecycleHooksTable>): LifecycleHook {
  const hook: Mutable<LifecycleHook> = {
    projectId: row.project_id,
    groupId: row.group_id,
    name: row.name,
    type: row.type as HookType,
    defaultResult: row.default_result as HookDefaultResult,
    defaultTimeoutSeconds: row.default_timeout,
    topicUrn: row.topic_urn,
    createTime: row.create_time,
  };
  if (row.metadata !== null) hook.metadata = row.metadata;
  return hook;
}

function hookToRow(h: LifecycleHook): LifecycleHooksTable {
  return {
    project_id: h.projectId,
    group_id: h.groupId,
    name: h.name,
    type: h.type,
    default_result: h.defaultResult,
    default_timeout: h.defaultTimeoutSeconds,
    topic_urn: h.topicUrn,
    metadata: h.metadata ?? null,
    create_time: h.createTime,
  };
}

const rowToWait = (row: Selectable<LifecycleHookWaitsTable>): HookWait => ({
  actionKey: row.action_key,
  projectId: row.project_id,
  groupId: row.group_id,
  instanceId: row.instance_id,
  hookName: row.hook_name,
  hookType: row.hook_type as HookType,
  defaultResult: row.default_result as HookDefaultResult,
  timeoutAt: row.timeout_at,
  status: row.status as HookWaitStatus,
  activityId: row.activity_id,
  createTime: row.create_time,
});

const waitToRow = (w: HookWait): LifecycleHookWaitsTable => ({
  action_key: w.actionKey,
  project_id: w.projectId,
  group_id: w.groupId,
  instance_id: w.instanceId,
  hook_name: w.hookName,
  hook_type: w.hookType,
  default_result: w.defaultResult,
  timeout_at: w.timeoutAt,
  status: w.status,
  activity_id: w.activityId,
  create_time: w.createTime,
});

/** The lifecycle hook repository of a session's connection. */
export const lifecycleHookRepository = (r: ResourceDb): LifecycleHookRepository => ({
  insert: async (hook) => {
    await r.db.insertInto('lifecycle_hooks').values(hookToRow(hook)).execute();
  },
  get: async (projectId, groupId, name) => {
    const row = await r.db
      .selectFrom('lifecycle_hooks')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToHook(row);
  },
  ofGroup: async (projectId, groupId) => {
    const rows = await r.db
      .selectFrom('lifecycle_hooks')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .orderBy('create_time')
      .orderBy('name')
      .execute();
    return rows.map(rowToHook);
  },
  update: async (hook) => {
    const { project_id: projectId, group_id: groupId, name, ...rest } = hookToRow(hook);
    await r.db
      .updateTable('lifecycle_hooks')
      .set(rest)
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('name', '=', name)
      .execute();
  },
  delete: async (projectId, groupId, name) => {
    const result = await r.db
      .deleteFrom('lifecycle_hooks')
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
  deleteOfGroup: async (projectId, groupId) => {
    await r.db
      .deleteFrom('lifecycle_hook_waits')
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .execute();
    await r.db
      .deleteFrom('lifecycle_hooks')
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .execute();
  },
  insertWaits: async (waits) => {
    if (waits.length === 0) return;
    await r.db.insertInto('lifecycle_hook_waits').values(waits.map(waitToRow)).execute();
  },
  waitByKey: async (projectId, groupId, actionKey) => {
    const row = await r.db
      .selectFrom('lifecycle_hook_waits')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('action_key', '=', actionKey)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToWait(row);
  },
  waitsOfGroup: async (projectId, groupId, instanceId) => {
    let query = r.db
      .selectFrom('lifecycle_hook_waits')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('scaling_instances')
            .select('scaling_instances.id')
            .whereRef('scaling_instances.id', '=', 'lifecycle_hook_waits.instance_id')
            .whereRef('scaling_instances.group_id', '=', 'lifecycle_hook_waits.group_id'),
        ),
      );
    if (instanceId !== undefined) query = query.where('instance_id', '=', instanceId);
    const rows = await query.orderBy('create_time').orderBy('action_key').execute();
    return rows.map(rowToWait);
  },
  countHanging: async (projectId, groupId, activityId) => {
    let query = r.db
      .selectFrom('lifecycle_hook_waits')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('status', '=', 'HANGING');
    if (activityId !== undefined) query = query.where('activity_id', '=', activityId);
    const { n } = await query.executeTakeFirstOrThrow();
    return n;
  },
  finishWait: async (actionKey, timeoutAt, status) => {
    const result = await r.db
      .updateTable('lifecycle_hook_waits')
      .set({ status })
      .where('action_key', '=', actionKey)
      .where('status', '=', 'HANGING')
      .where('timeout_at', '=', timeoutAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },
  extendWait: async (actionKey, timeoutAt, newTimeoutAt) => {
    const result = await r.db
      .updateTable('lifecycle_hook_waits')
      .set({ timeout_at: newTimeoutAt })
      .where('action_key', '=', actionKey)
      .where('status', '=', 'HANGING')
      .where('timeout_at', '=', timeoutAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },
  dueWaits: async (nowMs, limit) => {
    const rows = await r.db
      .selectFrom('lifecycle_hook_waits')
      .selectAll()
      .where('status', '=', 'HANGING')
      .where('timeout_at', '<=', nowMs)
      .orderBy('timeout_at')
      .orderBy('action_key')
      .limit(limit)
      .execute();
    return rows.map(rowToWait);
  },
});
