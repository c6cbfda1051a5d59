import type { Selectable } from 'kysely';
import type { PooledInstance, WarmPool, WarmPoolStatus } from '../../domain/warm-pool.js';
import type { WarmPoolInstancesTable, WarmPoolsTable } from '../schema.js';
import type { WarmPoolRepository } from '../warm-pool-store.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Warm pools and their instances: the resource transaction's `warmPools` (see
// `WarmPoolRepository`).

function rowToPool(row: Selectable<WarmPoolsTable>): WarmPool {
  const pool: Mutable<WarmPool> = {
    projectId: row.project_id,
    groupId: row.group_id,
    instanceInitWaitSeconds: row.instance_init_wait_seconds,
    status: row.status as WarmPoolStatus,
    createTime: row.create_time,
  };
  if (row.capacity !== null) pool.capacity = row.capacity;
  if (row.refill_at !== null) pool.refillAt = row.refill_at;
  return pool;
}

const rowToInstance = (row: Selectable<WarmPoolInstancesTable>): PooledInstance => ({
  id: row.id,
  serverId: row.server_id,
  projectId: row.project_id,
  groupId: row.group_id,
  name: row.name,
  configurationId: row.configuration_id,
  configurationName: row.configuration_name,
  createTime: row.create_time,
  readyAt: row.ready_at,
});

const instanceToRow = (i: PooledInstance): WarmPoolInstancesTable => ({
  id: i.id,
  server_id: i.serverId,
  project_id: i.projectId,
  group_id: i.groupId,
  name: i.name,
  configuration_id: i.configurationId,
  configuration_name: i.configurationName,
  create_time: i.createTime,
  ready_at: i.readyAt,
});

async function page(
  r: ResourceDb,
  projectId: string,
  groupId: string,
  marker: string | undefined,
  limit: number,
): Promise<{ instances: PooledInstance[]; more: boolean } | undefined> {
  let query = r.db
    .selectFrom('warm_pool_instances')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('group_id', '=', groupId);
  if (marker !== undefined) {
    const after = await r.db
      .selectFrom('warm_pool_instances')
      .select(['create_time', 'id'])
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('id', '=', marker)
      .executeTakeFirst();
    if (after === undefined) return undefined;
    query = query.where((eb) =>
      eb.or([
        eb('create_time', '>', after.create_time),
        eb.and([eb('create_time', '=', after.create_time), eb('id', '>', after.id)]),
      ]),
    );
  }
  // One more than the page: whether another page follows.
  const rows = await query
    .orderBy('create_time')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  return { instances: rows.slice(0, limit).map(rowToInstance), more: rows.length > limit };
}

/** The warm pool repository of a transaction's connection. */
export const warmPoolRepository = (r: ResourceDb): WarmPoolRepository => ({
  get: async (projectId, groupId) => {
    const row = await r.db
      .selectFrom('warm_pools')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToPool(row);
  },
  put: async (pool) => {
    const settings = {
      capacity: pool.capacity ?? null,
      instance_init_wait_seconds: pool.instanceInitWaitSeconds,
      status: pool.status,
      refill_at: pool.refillAt ?? null,
    };
    await r.db
      .insertInto('warm_pools')
      .values({
        project_id: pool.projectId,
        group_id: pool.groupId,
        create_time: pool.createTime,
        ...settings,
      })
      .onConflict((oc) => oc.columns(['project_id', 'group_id']).doUpdateSet(settings))
      .execute();
  },
  delete: async (projectId, groupId) => {
    const result = await r.db
      .deleteFrom('warm_pools')
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
  instances: async (projectId, groupId) => {
    const rows = await r.db
      .selectFrom('warm_pool_instances')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .orderBy('create_time')
      .orderBy('id')
      .execute();
    return rows.map(rowToInstance);
  },
  page: (projectId, groupId, marker, limit) => page(r, projectId, groupId, marker, limit),
  insertInstances: async (instances) => {
    if (instances.length === 0) return;
    await r.db.insertInto('warm_pool_instances').values(instances.map(instanceToRow)).execute();
  },
  deleteInstances: async (projectId, ids) => {
    if (ids.length === 0) return;
    await r.db
      .deleteFrom('warm_pool_instances')
      .where('project_id', '=', projectId)
      .where('id', 'in', ids)
      .execute();
  },
  markDue: async (projectId, groupId, at) => {
    await r.db
      .updateTable('warm_pools')
      .set({ refill_at: at })
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .execute();
  },
  due: async (nowMs, limit) => {
    const rows = await r.db
      .selectFrom('warm_pools')
      .select(['project_id', 'group_id', 'refill_at'])
      .where('refill_at', '<=', nowMs)
      .orderBy('refill_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      projectId: row.project_id,
      groupId: row.group_id,
      dueAt: row.refill_at ?? nowMs,
    }));
  },
  claimRefill: async (projectId, groupId, dueAt) => {
    // Conditional on the time read: of the transactions that try, one finds it still there.
    const result = await r.db
      .updateTable('warm_pools')
      .set({ refill_at: null })
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('refill_at', '=', dueAt)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },
});
