import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { LifeCycleState, ScalingInstance } from '../../domain/scaling-instance.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type { InstanceRepository } from '../resource-store.js';
import type { ScalingInstancesTable } from '../schema.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Instances of scaling groups: the resource transaction's `instances` (see
// `InstanceRepository`).

function rowToInstance(row: Selectable<ScalingInstancesTable>): ScalingInstance {
  const instance: Mutable<ScalingInstance> = {
    id: row.id,
    projectId: row.project_id,
    groupId: row.group_id,
    name: row.name,
    state: row.life_cycle_state as LifeCycleState,
    protectedFromScaleIn: row.protected === 1,
    deleteOnRemoval: row.delete_on_removal === 1,
    createTime: row.create_time,
  };
  if (row.configuration_id !== null) instance.configurationId = row.configuration_id;
  if (row.configuration_name !== null) instance.configurationName = row.configuration_name;
  if (row.settles_at !== null) instance.settlesAt = row.settles_at;
  return instance;
}

function instanceToRow(i: ScalingInstance): ScalingInstancesTable {
  return {
    id: i.id,
    project_id: i.projectId,
    group_id: i.groupId,
    name: i.name,
    configuration_id: i.configurationId ?? null,
    configuration_name: i.configurationName ?? null,
    life_cycle_state: i.state,
    // Only a change under way has a time to settle at: any other state keeps none.
    settles_at: i.state === 'PENDING' || i.state === 'REMOVING' ? (i.settlesAt ?? null) : null,
    protected: i.protectedFromScaleIn ? 1 : 0,
    delete_on_removal: i.deleteOnRemoval ? 1 : 0,
    create_time: i.createTime,
  };
}

/**
 * The condition "counts as current at `nowMs`" (see `countsAsCurrent`) in SQL: in service,
 * being removed and not yet gone, or pending and already in service.
 */
const currentAt = (nowMs: UnixMs) => sql<boolean>`(
  (life_cycle_state = 'INSERVICE' or life_cycle_state = 'REMOVING_WAIT')
  or (life_cycle_state = 'REMOVING' and settles_at > ${nowMs})
  or (life_cycle_state = 'PENDING' and settles_at <= ${nowMs}))`;

async function currentCounts(
  r: ResourceDb,
  projectId: string,
  groupIds: readonly string[],
  nowMs: UnixMs,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(groupIds.map((id) => [id, 0]));
  if (groupIds.length === 0) return counts;
  const rows = await r.db
    .selectFrom('scaling_instances')
    .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', projectId)
    .where('group_id', 'in', groupIds)
    .where(currentAt(nowMs))
    .groupBy('group_id')
    .execute();
  for (const row of rows) counts.set(row.group_id, row.n);
  return counts;
}

async function countProject(r: ResourceDb, projectId: string, nowMs: UnixMs): Promise<number> {
  const { n } = await r.db
    .selectFrom('scaling_instances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .where((eb) => eb.or([eb('life_cycle_state', '<>', 'REMOVING'), eb('settles_at', '>', nowMs)]))
    .executeTakeFirstOrThrow();
  return n;
}

async function settleDue(r: ResourceDb, nowMs: UnixMs, limit: number): Promise<number> {
  const due = await r.db
    .selectFrom('scaling_instances')
    .selectAll()
    .where('settles_at', '<=', nowMs)
    .orderBy('settles_at')
    .limit(limit)
    .execute();
  if (due.length === 0) return 0;
  const gone = due.filter((row) => row.life_cycle_state === 'REMOVING');
  const served = due.filter((row) => row.life_cycle_state === 'PENDING');
  // Each statement names the state it changes from: a second server doing the same finds
  // nothing left to change.
  const deleted = gone.filter((row) => row.delete_on_removal === 1).map((row) => row.id);
  if (deleted.length > 0) {
    await r.db
      .deleteFrom('servers')
      .where('id', 'in', deleted)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('scaling_instances')
            .select('id')
            .whereRef('scaling_instances.id', '=', 'servers.id')
            .where('life_cycle_state', '=', 'REMOVING')
            .where('settles_at', '<=', nowMs),
        ),
      )
      .execute();
  }
  let changed = 0;
  if (gone.length > 0) {
    const result = await r.db
      .deleteFrom('scaling_instances')
      .where(
        'id',
        'in',
        gone.map((row) => row.id),
      )
      .where('life_cycle_state', '=', 'REMOVING')
      .where('settles_at', '<=', nowMs)
      .executeTakeFirst();
    changed += Number(result.numDeletedRows);
  }
  if (served.length > 0) {
    const result = await r.db
      .updateTable('scaling_instances')
      .set({ life_cycle_state: 'INSERVICE', settles_at: null })
      .where(
        'id',
        'in',
        served.map((row) => row.id),
      )
      .where('life_cycle_state', '=', 'PENDING')
      .where('settles_at', '<=', nowMs)
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  return changed;
}

/** The instance repository of a session's connection. */
export const instanceRepository = (r: ResourceDb): InstanceRepository => ({
  insert: async (instances) => {
    if (instances.length === 0) return;
    await r.db.insertInto('scaling_instances').values(instances.map(instanceToRow)).execute();
  },
  get: async (projectId, id) => {
    const row = await r.db
      .selectFrom('scaling_instances')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToInstance(row);
  },
  ofGroup: async (projectId, groupId) => {
    const rows = await r.db
      .selectFrom('scaling_instances')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .orderBy('create_time')
      .orderBy('id')
      .execute();
    return rows.map(rowToInstance);
  },
  update: async (instances) => {
    for (const instance of instances) {
      const { id, project_id: projectId, ...rest } = instanceToRow(instance);
      await r.db
        .updateTable('scaling_instances')
        .set(rest)
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .execute();
    }
  },
  delete: async (projectId, ids) => {
    if (ids.length === 0) return;
    await r.db
      .deleteFrom('scaling_instances')
      .where('project_id', '=', projectId)
      .where('id', 'in', ids)
      .execute();
  },
  currentCounts: (projectId, groupIds, nowMs) => currentCounts(r, projectId, groupIds, nowMs),
  countProject: (projectId, nowMs) => countProject(r, projectId, nowMs),
  settleDue: (nowMs, limit) => settleDue(r, nowMs, limit),
  anyDue: async (nowMs) => {
    const row = await r.db
      .selectFrom('scaling_instances')
      .select('id')
      .where('settles_at', '<=', nowMs)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },
});
