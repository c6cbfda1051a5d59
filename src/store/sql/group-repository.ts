import type { Selectable } from 'kysely';
import type { GroupStatus, ScalingGroup } from '../../domain/scaling-group.js';
import type { GroupFilter, GroupRepository, Paging } from '../resource-store.js';
import type { ScalingGroupsTable } from '../schema.js';
import { allResources, listResources, resourceCrud } from './resource-table.js';
import type { Mutable, ResourceDb, ResourceQuery } from './resource-table.js';

// Scaling groups: the resource transaction's `groups` (see `GroupRepository`).

function rowToGroup(row: Selectable<ScalingGroupsTable>): ScalingGroup {
  const group: Mutable<ScalingGroup> = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    status: row.status as GroupStatus,
    minInstances: row.min_instances,
    maxInstances: row.max_instances,
    desireInstances: row.desire_instances,
    coolDownSeconds: row.cool_down_seconds,
    createTime: row.create_time,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
  };
  if (row.settles_at !== null) group.settlesAt = row.settles_at;
  if (row.last_scaled_at !== null) group.lastScaledAt = row.last_scaled_at;
  return group;
}

function groupToRow(g: ScalingGroup): ScalingGroupsTable {
  return {
    id: g.id,
    project_id: g.projectId,
    name: g.name,
    status: g.status,
    min_instances: g.minInstances,
    max_instances: g.maxInstances,
    desire_instances: g.desireInstances,
    // Unused since instances are rows of their own; kept filled for servers of the version
    // before during a rolling upgrade, which read it as the instances before a change.
    previous_instances: g.desireInstances,
    settles_at: g.settlesAt ?? null,
    cool_down_seconds: g.coolDownSeconds,
    last_scaled_at: g.lastScaledAt ?? null,
    create_time: g.createTime,
    attributes: JSON.stringify(g.attributes),
  };
}

const groupCrud = resourceCrud('scaling_groups', groupToRow, rowToGroup);

async function listGroups(
  r: ResourceDb,
  projectId: string,
  filter: GroupFilter,
  paging: Paging,
): Promise<{ total: number; groups: ScalingGroup[] }> {
  const where = (query: ResourceQuery): ResourceQuery => {
    let q = query;
    if (filter.name !== undefined) q = q.where('name', '=', filter.name);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    return q;
  };
  if (filter.attributes !== undefined && filter.attributes.length > 0) {
    // Attributes are opaque JSON to the store: the few filters on them are applied here,
    // on the project's groups in list order, then paged.
    const wanted = filter.attributes;
    const all = await allResources(r, 'scaling_groups', projectId, where);
    const matching = all
      .map(rowToGroup)
      .filter((g) => wanted.every(([key, value]) => g.attributes[key] === value));
    return {
      total: matching.length,
      groups: matching.slice(paging.startNumber, paging.startNumber + paging.limit),
    };
  }
  const { total, rows } = await listResources(r, 'scaling_groups', projectId, where, paging);
  return { total, groups: rows.map(rowToGroup) };
}

async function configurationUsers(
  r: ResourceDb,
  projectId: string,
): Promise<ReadonlyMap<string, string>> {
  // Attributes are opaque JSON to the store (as in listGroups): read on both backends alike.
  const users = new Map<string, string>();
  const rows = await allResources(r, 'scaling_groups', projectId, (q) => q);
  // Newest first: the earliest group is set last and stays.
  for (const group of rows.map(rowToGroup)) {
    const id = group.attributes['scaling_configuration_id'];
    if (typeof id === 'string') users.set(id, group.id);
  }
  return users;
}

async function countGroups(r: ResourceDb, projectId: string): Promise<number> {
  const { total } = await r.db
    .selectFrom('scaling_groups')
    .where('project_id', '=', projectId)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return total;
}

async function lockProject(r: ResourceDb, projectId: string): Promise<void> {
  // Without a key lock, the write transaction already excludes every other writer.
  await r.lockKey?.(r.db, `scaling_groups/${projectId}`);
}

/** The group repository of a session's connection. */
export const groupRepository = (r: ResourceDb): GroupRepository => ({
  ...groupCrud(r),
  list: (projectId, filter, paging) => listGroups(r, projectId, filter, paging),
  configurationUsers: (projectId) => configurationUsers(r, projectId),
  count: (projectId) => countGroups(r, projectId),
  lockProject: (projectId) => lockProject(r, projectId),
});
