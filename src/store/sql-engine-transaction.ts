import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Bandwidth, BandwidthShareType } from '../domain/bandwidth.js';
import type { ExecutionLog, ResourceType } from '../domain/execution-log.js';
import type { GroupStatus, ScalingGroup } from '../domain/scaling-group.js';
import type {
  IntervalAlarmAction,
  PolicyAction,
  PolicyType,
  ScalingPolicy,
  ScheduledPolicy,
  StoredPolicyStatus,
} from '../domain/scaling-policy.js';
import type {
  EngineTransaction,
  GroupFilter,
  Paging,
  PendingExecution,
  PolicyFilter,
  PolicyOrder,
} from './engine-store.js';
import type {
  BandwidthsTable,
  Database,
  EngineExecutionsTable,
  ScalingGroupsTable,
  ScalingPoliciesTable,
} from './schema.js';
import type { LogWriter, WriteResult } from './store.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The tables of the resources the API addresses by project and id. */
type ResourceTable = 'scaling_groups' | 'bandwidths' | 'scaling_policies';

const mapRow = <R, T>(row: R | undefined, map: (row: R) => T): T | undefined =>
  row === undefined ? undefined : map(row);

function rowToGroup(row: Selectable<ScalingGroupsTable>): ScalingGroup {
  const group: Mutable<ScalingGroup> = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    status: row.status as GroupStatus,
    minInstances: row.min_instances,
    maxInstances: row.max_instances,
    desireInstances: row.desire_instances,
    previousInstances: row.previous_instances,
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
    previous_instances: g.previousInstances,
    settles_at: g.settlesAt ?? null,
    cool_down_seconds: g.coolDownSeconds,
    last_scaled_at: g.lastScaledAt ?? null,
    create_time: g.createTime,
    attributes: JSON.stringify(g.attributes),
  };
}

function rowToBandwidth(row: Selectable<BandwidthsTable>): Bandwidth {
  const b: Mutable<Bandwidth> = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    size: row.size,
    minSize: row.min_size,
    maxSize: row.max_size,
    shareType: row.share_type as BandwidthShareType,
    createTime: row.create_time,
  };
  if (row.eip_id !== null) b.eipId = row.eip_id;
  if (row.eip_address !== null) b.eipAddress = row.eip_address;
  return b;
}

function bandwidthToRow(b: Bandwidth): BandwidthsTable {
  return {
    id: b.id,
    project_id: b.projectId,
    name: b.name,
    size: b.size,
    min_size: b.minSize,
    max_size: b.maxSize,
    share_type: b.shareType,
    eip_id: b.eipId ?? null,
    eip_address: b.eipAddress ?? null,
    create_time: b.createTime,
  };
}

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

function rowToExecution(row: Selectable<EngineExecutionsTable>): PendingExecution {
  return {
    logId: row.log_id,
    projectId: row.project_id,
    policyId: row.policy_id,
    resourceType: row.resource_type as ResourceType,
    resourceId: row.resource_id,
    settlesAt: row.settles_at,
  };
}

const orderColumns = {
  createTime: 'create_time',
  name: 'name',
  policyType: 'policy_type',
} as const;

/**
 * The engine's reads and writes on one connection. `conn` has a transaction open (or, for
 * read-only use, is the pool); `rowLocks` says whether the backend takes row locks with
 * `for update` (PostgreSQL), where SQLite's write transaction already excludes every other.
 */
export class SqlEngineTransaction implements EngineTransaction {
  readonly #db: Kysely<Database>;
  readonly #rowLocks: boolean;
  readonly #byteCollation: string | undefined;
  readonly #writer: LogWriter | undefined;
  readonly #readLog: (projectId: string, logId: string) => Promise<ExecutionLog | undefined>;

  constructor(
    db: Kysely<Database>,
    options: {
      rowLocks: boolean;
      /** A collation that orders text by its bytes, where the default may not (PostgreSQL). */
      byteCollation?: string;
      writer?: LogWriter;
      readLog: (projectId: string, logId: string) => Promise<ExecutionLog | undefined>;
    },
  ) {
    this.#db = db;
    this.#rowLocks = options.rowLocks;
    this.#byteCollation = options.byteCollation;
    this.#writer = options.writer;
    this.#readLog = options.readLog;
  }

  /** Orders text the same on every backend: by bytes, whatever the database's locale. */
  #byBytes(column: 'name' | 'policy_type' | 'create_time') {
    return this.#byteCollation === undefined || column === 'create_time'
      ? sql.ref(column)
      : sql`${sql.ref(column)} collate ${sql.id(this.#byteCollation)}`;
  }

  /**
   * The row of `table` with this id in this project; with `lock`, held (on PostgreSQL) until
   * the session ends.
   */
  async #find<T extends ResourceTable>(
    table: T,
    projectId: string,
    id: string,
    lock: boolean,
  ): Promise<Selectable<Database[T]> | undefined> {
    // Widened from T: Kysely resolves the columns of a union of tables, not of a type parameter.
    const from: ResourceTable = table;
    const query = this.#db
      .selectFrom(from)
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id);
    const row = await (lock && this.#rowLocks ? query.forUpdate() : query).executeTakeFirst();
    // Every resource table is keyed by (project_id, id): the row is of `table`.
    return row as Selectable<Database[T]> | undefined;
  }

  async #delete(table: ResourceTable, projectId: string, id: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom(table)
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async insertGroup(group: ScalingGroup): Promise<void> {
    await this.#db.insertInto('scaling_groups').values(groupToRow(group)).execute();
  }

  async getGroup(projectId: string, id: string): Promise<ScalingGroup | undefined> {
    return mapRow(await this.#find('scaling_groups', projectId, id, false), rowToGroup);
  }

  async lockGroup(projectId: string, id: string): Promise<ScalingGroup | undefined> {
    return mapRow(await this.#find('scaling_groups', projectId, id, true), rowToGroup);
  }

  async updateGroup(group: ScalingGroup): Promise<void> {
    const { id, project_id: projectId, ...rest } = groupToRow(group);
    await this.#db
      .updateTable('scaling_groups')
      .set(rest)
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .execute();
  }

  deleteGroup(projectId: string, id: string): Promise<boolean> {
    return this.#delete('scaling_groups', projectId, id);
  }

  async listGroups(
    projectId: string,
    filter: GroupFilter,
    paging: Paging,
  ): Promise<{ total: number; groups: ScalingGroup[] }> {
    let base = this.#db.selectFrom('scaling_groups').where('project_id', '=', projectId);
    if (filter.name !== undefined) base = base.where('name', '=', filter.name);
    if (filter.status !== undefined) base = base.where('status', '=', filter.status);
    if (filter.attributes !== undefined && filter.attributes.length > 0) {
      // Attributes are opaque JSON to the store: the few filters on them are applied here,
      // on the project's groups in list order, then paged.
      const wanted = filter.attributes;
      const all = await base
        .selectAll()
        .orderBy('create_time', 'desc')
        .orderBy('id', 'desc')
        .execute();
      const matching = all
        .map(rowToGroup)
        .filter((g) => wanted.every(([key, value]) => g.attributes[key] === value));
      return {
        total: matching.length,
        groups: matching.slice(paging.startNumber, paging.startNumber + paging.limit),
      };
    }
    const { total } = await base
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const rows =
      paging.limit === 0
        ? []
        : await base
            .selectAll()
            .orderBy('create_time', 'desc')
            .orderBy('id', 'desc')
            .limit(paging.limit)
            .offset(paging.startNumber)
            .execute();
    return { total, groups: rows.map(rowToGroup) };
  }

  async insertBandwidth(bandwidth: Bandwidth): Promise<void> {
    await this.#db.insertInto('bandwidths').values(bandwidthToRow(bandwidth)).execute();
  }

  async getBandwidth(projectId: string, id: string): Promise<Bandwidth | undefined> {
    return mapRow(await this.#find('bandwidths', projectId, id, false), rowToBandwidth);
  }

  async lockBandwidth(projectId: string, id: string): Promise<Bandwidth | undefined> {
    return mapRow(await this.#find('bandwidths', projectId, id, true), rowToBandwidth);
  }

  async updateBandwidth(bandwidth: Bandwidth): Promise<void> {
    const { id, project_id: projectId, ...rest } = bandwidthToRow(bandwidth);
    await this.#db
      .updateTable('bandwidths')
      .set(rest)
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .execute();
  }

  deleteBandwidth(projectId: string, id: string): Promise<boolean> {
    return this.#delete('bandwidths', projectId, id);
  }

  async listBandwidths(
    projectId: string,
    paging: Paging,
  ): Promise<{ total: number; bandwidths: Bandwidth[] }> {
    const base = this.#db.selectFrom('bandwidths').where('project_id', '=', projectId);
    const { total } = await base
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const rows =
      paging.limit === 0
        ? []
        : await base
            .selectAll()
            .orderBy('create_time', 'desc')
            .orderBy('id', 'desc')
            .limit(paging.limit)
            .offset(paging.startNumber)
            .execute();
    return { total, bandwidths: rows.map(rowToBandwidth) };
  }

  async insertPolicy(policy: ScalingPolicy): Promise<void> {
    await this.#db.insertInto('scaling_policies').values(policyToRow(policy)).execute();
  }

  async getPolicy(projectId: string, id: string): Promise<ScalingPolicy | undefined> {
    return mapRow(await this.#find('scaling_policies', projectId, id, false), rowToPolicy);
  }

  async lockPolicy(projectId: string, id: string): Promise<ScalingPolicy | undefined> {
    return mapRow(await this.#find('scaling_policies', projectId, id, true), rowToPolicy);
  }

  async updatePolicy(policy: ScalingPolicy): Promise<void> {
    const { id, project_id: projectId, ...rest } = policyToRow(policy);
    await this.#db
      .updateTable('scaling_policies')
      .set(rest)
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .execute();
  }

  deletePolicy(projectId: string, id: string): Promise<boolean> {
    return this.#delete('scaling_policies', projectId, id);
  }

  async listPolicies(
    projectId: string,
    filter: PolicyFilter,
    paging: Paging,
    order: PolicyOrder = { by: 'createTime', direction: 'desc' },
  ): Promise<{ total: number; policies: ScalingPolicy[] }> {
    let base = this.#db.selectFrom('scaling_policies').where('project_id', '=', projectId);
    if (filter.resourceId !== undefined) base = base.where('resource_id', '=', filter.resourceId);
    if (filter.resourceType !== undefined) {
      base = base.where('resource_type', '=', filter.resourceType);
    }
    if (filter.policyId !== undefined) base = base.where('id', '=', filter.policyId);
    if (filter.nameContains !== undefined && filter.nameContains !== '') {
      // replace() compares exactly on both engines, where LIKE ignores case on SQLite only.
      base = base.where(sql<boolean>`replace(name, ${filter.nameContains}, '') <> name`);
    }
    if (filter.policyType !== undefined) base = base.where('policy_type', '=', filter.policyType);
    if (filter.alarmId !== undefined) base = base.where('alarm_id', '=', filter.alarmId);
    if (filter.status !== undefined) base = base.where('status', '=', filter.status);
    const { total } = await base
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const rows =
      paging.limit === 0
        ? []
        : await base
            .selectAll()
            .orderBy(this.#byBytes(orderColumns[order.by]), order.direction)
            .orderBy('id', order.direction)
            .limit(paging.limit)
            .offset(paging.startNumber)
            .execute();
    return { total, policies: rows.map(rowToPolicy) };
  }

  async countPolicies(projectId: string, resourceId: string): Promise<number> {
    const { n } = await this.#db
      .selectFrom('scaling_policies')
      .where('project_id', '=', projectId)
      .where('resource_id', '=', resourceId)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return n;
  }

  async deletePoliciesOf(projectId: string, resourceId: string): Promise<number> {
    const r = await this.#db
      .deleteFrom('scaling_policies')
      .where('project_id', '=', projectId)
      .where('resource_id', '=', resourceId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async policiesForAlarm(projectId: string, alarmId: string): Promise<ScalingPolicy[]> {
    const rows = await this.#db
      .selectFrom('scaling_policies')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('alarm_id', '=', alarmId)
      .orderBy('create_time', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(rowToPolicy);
  }

  async duePolicies(
    nowMs: number,
    limit: number,
  ): Promise<{ policyId: string; projectId: string; dueAt: number }[]> {
    const rows = await this.#db
      .selectFrom('scaling_policies')
      .select(['id', 'project_id', 'next_fire_at'])
      .where('next_fire_at', 'is not', null)
      .where('next_fire_at', '<=', nowMs)
      .orderBy('next_fire_at', 'asc')
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      policyId: r.id,
      projectId: r.project_id,
      dueAt: r.next_fire_at as number,
    }));
  }

  async claimTrigger(policyId: string, dueAt: number, next: number | undefined): Promise<boolean> {
    const r = await this.#db
      .updateTable('scaling_policies')
      .set({ next_fire_at: next ?? null })
      .where('id', '=', policyId)
      .where('next_fire_at', '=', dueAt)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async insertExecution(execution: PendingExecution): Promise<boolean> {
    const r = await this.#db
      .insertInto('engine_executions')
      .values({
        log_id: execution.logId,
        project_id: execution.projectId,
        policy_id: execution.policyId,
        resource_type: execution.resourceType,
        resource_id: execution.resourceId,
        settles_at: execution.settlesAt,
      })
      // Both engines: on a unique violation (the resource has an execution), insert nothing.
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async executionOfResource(
    resourceType: ResourceType,
    resourceId: string,
  ): Promise<PendingExecution | undefined> {
    const row = await this.#db
      .selectFrom('engine_executions')
      .selectAll()
      .where('resource_type', '=', resourceType)
      .where('resource_id', '=', resourceId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToExecution(row);
  }

  async executingPolicies(policyIds: readonly string[]): Promise<Set<string>> {
    if (policyIds.length === 0) return new Set();
    const rows = await this.#db
      .selectFrom('engine_executions')
      .select('policy_id')
      .where('policy_id', 'in', policyIds)
      .execute();
    return new Set(rows.map((r) => r.policy_id));
  }

  async dueExecutions(nowMs: number, limit: number): Promise<PendingExecution[]> {
    const rows = await this.#db
      .selectFrom('engine_executions')
      .selectAll()
      .where('settles_at', '<=', nowMs)
      .orderBy('settles_at', 'asc')
      .orderBy('log_id', 'asc')
      .limit(limit)
      .execute();
    return rows.map(rowToExecution);
  }

  async takeExecution(logId: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('engine_executions')
      .where('log_id', '=', logId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  getLog(projectId: string, logId: string): Promise<ExecutionLog | undefined> {
    return this.#readLog(projectId, logId);
  }

  async writeLogs(logs: readonly ExecutionLog[]): Promise<WriteResult> {
    if (this.#writer === undefined) {
      throw new Error('writeLogs needs an engine session: this one only reads');
    }
    return this.#writer.write(logs);
  }
}
