import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { ResourceType } from '../../domain/execution-log.js';
import type {
  IntervalAlarmAction,
  PolicyAction,
  PolicyType,
  ScalingPolicy,
  ScheduledPolicy,
  StoredPolicyStatus,
} from '../../domain/scaling-policy.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type { Paging, PolicyFilter, PolicyOrder, PolicyRepository } from '../resource-store.js';
import type { ScalingPoliciesTable } from '../schema.js';
import { listResources, resourceCrud } from './resource-table.js';
import type { Mutable, ResourceDb } from './resource-table.js';

// Scaling policies and their triggers: the resource transaction's `policies` (see
// `PolicyRepository`).

function rowToPolicy(row: Selectable<ScalingPoliciesTable>): ScalingPolicy {
  const p: Mutable<ScalingPolicy> = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    resourceType: row.resource_type as ResourceType,
    resourceId: row.resource_id,
    policyType: row.policy_type as PolicyType,
    action: JSON.parse(row.action) as PolicyAction,
    coolDownSeconds: row.cool_down_seconds,
    status: row.status as StoredPolicyStatus,
    createTime: row.create_time,
  };
  if (row.alarm_id !== null) p.alarmId = row.alarm_id;
  if (row.scheduled_policy !== null) {
    p.scheduledPolicy = JSON.parse(row.scheduled_policy) as ScheduledPolicy;
  }
  if (row.interval_alarm_actions !== null) {
    p.intervalAlarmActions = JSON.parse(row.interval_alarm_actions) as IntervalAlarmAction[];
  }
  if (row.description !== null) p.description = row.description;
  if (row.meta_data !== null) p.metaData = JSON.parse(row.meta_data) as Record<string, string>;
  if (row.next_fire_at !== null) p.nextFireAt = row.next_fire_at;
  return p;
}

function policyToRow(p: ScalingPolicy): ScalingPoliciesTable {
  return {
    id: p.id,
    project_id: p.projectId,
    name: p.name,
    resource_type: p.resourceType,
    resource_id: p.resourceId,
    policy_type: p.policyType,
    alarm_id: p.alarmId ?? null,
    scheduled_policy: p.scheduledPolicy === undefined ? null : JSON.stringify(p.scheduledPolicy),
    action: JSON.stringify(p.action),
    interval_alarm_actions:
      p.intervalAlarmActions === undefined ? null : JSON.stringify(p.intervalAlarmActions),
    cool_down_seconds: p.coolDownSeconds,
    status: p.status,
    create_time: p.createTime,
    description: p.description ?? null,
    meta_data: p.metaData === undefined ? null : JSON.stringify(p.metaData),
    next_fire_at: p.nextFireAt ?? null,
  };
}

const orderColumns = {
  createTime: 'create_time',
  name: 'name',
  policyType: 'policy_type',
} as const;

const policyCrud = resourceCrud('scaling_policies', policyToRow, rowToPolicy);

async function listPolicies(
  r: ResourceDb,
  projectId: string,
  filter: PolicyFilter,
  paging: Paging,
  order: PolicyOrder = { by: 'createTime', direction: 'desc' },
): Promise<{ total: number; policies: ScalingPolicy[] }> {
  const { total, rows } = await listResources(
    r,
    'scaling_policies',
    projectId,
    (query) => {
      let q = query;
      if (filter.resourceId !== undefined) q = q.where('resource_id', '=', filter.resourceId);
      if (filter.resourceType !== undefined) {
        q = q.where('resource_type', '=', filter.resourceType);
      }
      if (filter.policyId !== undefined) q = q.where('id', '=', filter.policyId);
      if (filter.nameContains !== undefined && filter.nameContains !== '') {
        // replace() compares exactly on both engines, where LIKE ignores case on SQLite only.
        q = q.where(sql<boolean>`replace(name, ${filter.nameContains}, '') <> name`);
      }
      if (filter.policyType !== undefined) q = q.where('policy_type', '=', filter.policyType);
      if (filter.alarmId !== undefined) q = q.where('alarm_id', '=', filter.alarmId);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      return q;
    },
    paging,
    { column: orderColumns[order.by], direction: order.direction },
  );
  return { total, policies: rows.map(rowToPolicy) };
}

async function countPolicies(
  r: ResourceDb,
  projectId: string,
  resourceId: string,
): Promise<number> {
  const { n } = await r.db
    .selectFrom('scaling_policies')
    .where('project_id', '=', projectId)
    .where('resource_id', '=', resourceId)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return n;
}

async function deletePoliciesOf(
  r: ResourceDb,
  projectId: string,
  resourceId: string,
): Promise<number> {
  const result = await r.db
    .deleteFrom('scaling_policies')
    .where('project_id', '=', projectId)
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function policiesForAlarm(
  r: ResourceDb,
  projectId: string,
  alarmId: string,
): Promise<ScalingPolicy[]> {
  const rows = await r.db
    .selectFrom('scaling_policies')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('alarm_id', '=', alarmId)
    .orderBy('create_time', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map(rowToPolicy);
}

async function duePolicies(
  r: ResourceDb,
  nowMs: UnixMs,
  limit: number,
): Promise<{ policyId: string; projectId: string; dueAt: UnixMs }[]> {
  const rows = await r.db
    .selectFrom('scaling_policies')
    .select(['id', 'project_id', 'next_fire_at'])
    .where('next_fire_at', 'is not', null)
    .where('next_fire_at', '<=', nowMs)
    .orderBy('next_fire_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    policyId: row.id,
    projectId: row.project_id,
    dueAt: row.next_fire_at as UnixMs,
  }));
}

async function claimTrigger(
  r: ResourceDb,
  policyId: string,
  dueAt: UnixMs,
  next: UnixMs | undefined,
): Promise<boolean> {
  const result = await r.db
    .updateTable('scaling_policies')
    .set({ next_fire_at: next ?? null })
    .where('id', '=', policyId)
    .where('next_fire_at', '=', dueAt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The policy repository of a session's connection. */
export const policyRepository = (r: ResourceDb): PolicyRepository => ({
  ...policyCrud(r),
  list: (projectId, filter, paging, order) => listPolicies(r, projectId, filter, paging, order),
  countOf: (projectId, resourceId) => countPolicies(r, projectId, resourceId),
  deleteOf: (projectId, resourceId) => deletePoliciesOf(r, projectId, resourceId),
  forAlarm: (projectId, alarmId) => policiesForAlarm(r, projectId, alarmId),
  due: (nowMs, limit) => duePolicies(r, nowMs, limit),
  claimTrigger: (policyId, dueAt, next) => claimTrigger(r, policyId, dueAt, next),
});
