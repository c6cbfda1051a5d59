import { randomUUID } from 'node:crypto';
import type { ScalingGroup } from '../domain/scaling-group.js';
import { instanceName } from '../domain/scaling-instance.js';
import type { ScalingInstance } from '../domain/scaling-instance.js';
import { pooledInstanceStatus, takeOrder, warmPoolTarget } from '../domain/warm-pool.js';
import type { PooledInstance, WarmPool } from '../domain/warm-pool.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';

/**
 * How a group's warm pool is kept: filled to its size with stand-in servers built from the
 * group's configuration, drawn on first by a scale-out, refilled by the engine's pass, and
 * emptied (servers deleted) when it is closed or its group deleted. Every change runs in the
 * caller's transaction, which holds the group's row.
 */

/**
 * How pool instances are built: the settle delay, and where new ids and names come from (the
 * engine's scaling options; declared here so that `group-scaling.ts`, which draws on the pool,
 * is not imported back).
 */
export interface WarmPoolOptions {
  readonly instanceSettleMs: number;
  readonly newId?: () => string;
  readonly random?: () => number;
}

type ScalingOptions = WarmPoolOptions;

/** A pool instance's server, and the pool instance, built now from the group's configuration. */
async function buildPooled(
  tx: ResourceTransaction,
  group: ScalingGroup,
  pool: WarmPool,
  count: number,
  nowMs: number,
  options: ScalingOptions,
): Promise<void> {
  const configurationId = group.attributes['scaling_configuration_id'];
  const configuration =
    typeof configurationId === 'string'
      ? await tx.configurations.get(group.projectId, configurationId)
      : undefined;
  if (configuration === undefined || count <= 0) return;
  const newId = options.newId ?? randomUUID;
  const random = options.random ?? Math.random;
  const readyAt = nowMs + options.instanceSettleMs + pool.instanceInitWaitSeconds * 1000;
  const built: PooledInstance[] = [];
  for (let n = 0; n < count; n += 1) {
    built.push({
      id: newId(),
      serverId: newId(),
      projectId: group.projectId,
      groupId: group.id,
      name: instanceName(configuration.name, random),
      configurationId: configuration.id,
      configurationName: configuration.name,
      createTime: nowMs,
      readyAt,
    });
  }
  for (const i of built) {
    await tx.servers.insert({
      id: i.serverId,
      projectId: i.projectId,
      name: i.name,
      configurationId: i.configurationId,
      createTime: nowMs,
    });
  }
  await tx.warmPools.insertInstances(built);
}

/** Deletes pool instances and their servers. */
async function discard(
  tx: ResourceTransaction,
  projectId: string,
  instances: readonly PooledInstance[],
): Promise<void> {
  await tx.warmPools.deleteInstances(
    projectId,
    instances.map((i) => i.id),
  );
  for (const i of instances) await tx.servers.delete(projectId, i.serverId);
}

/**
 * Brings the pool to its size for `group` at `nowMs`: builds the missing instances from the
 * group's configuration (none without one), or discards the extra ones, those furthest from
 * ready first. Returns how many it built or discarded.
 */
export async function fillWarmPool(
  tx: ResourceTransaction,
  group: ScalingGroup,
  pool: WarmPool,
  nowMs: number,
  options: ScalingOptions,
): Promise<number> {
  const target = warmPoolTarget(pool, group);
  const current = await tx.warmPools.instances(group.projectId, group.id);
  if (current.length > target) {
    await discard(tx, group.projectId, takeOrder(current, nowMs).slice(target));
    return current.length - target;
  }
  await buildPooled(tx, group, pool, target - current.length, nowMs, options);
  return target - current.length;
}

/**
 * Takes up to `count` instances from the group's pool for a scale-out, READY ones first: they
 * leave the pool and are returned as the group's instances (INSERVICE when READY, else
 * PENDING until they are), for the caller to insert. The pool is marked due for a refill.
 * None when the group has no pool.
 */
export async function takeFromWarmPool(
  tx: ResourceTransaction,
  group: ScalingGroup,
  count: number,
  nowMs: number,
): Promise<ScalingInstance[]> {
  const pool = await tx.warmPools.get(group.projectId, group.id);
  if (pool === undefined) return [];
  await tx.warmPools.markDue(group.projectId, group.id, nowMs);
  const pooled = await tx.warmPools.instances(group.projectId, group.id);
  const taken = takeOrder(pooled, nowMs).slice(0, count);
  await tx.warmPools.deleteInstances(
    group.projectId,
    taken.map((i) => i.id),
  );
  return taken.map((i): ScalingInstance => {
    const ready = pooledInstanceStatus(i, nowMs) === 'READY';
    return {
      id: i.serverId,
      projectId: i.projectId,
      groupId: i.groupId,
      name: i.name,
      configurationId: i.configurationId,
      configurationName: i.configurationName,
      state: ready ? 'INSERVICE' : 'PENDING',
      ...(ready ? {} : { settlesAt: i.readyAt }),
      protectedFromScaleIn: false,
      deleteOnRemoval: true,
      createTime: nowMs,
    };
  });
}

/** Marks the group's pool (when it has one) due for a refill: its size may have changed. */
export async function markWarmPoolDue(
  tx: ResourceTransaction,
  group: ScalingGroup,
  nowMs: number,
): Promise<void> {
  await tx.warmPools.markDue(group.projectId, group.id, nowMs);
}

/** Closes the group's pool: its instances and their servers go with it. False: it had none. */
export async function closeWarmPool(
  tx: ResourceTransaction,
  projectId: string,
  groupId: string,
): Promise<boolean> {
  await discard(tx, projectId, await tx.warmPools.instances(projectId, groupId));
  return tx.warmPools.delete(projectId, groupId);
}

/**
 * Refills the pools due at `nowMs`, each in its own transaction holding its group's row. A
 * pool is refilled by the one transaction whose conditional claim of its due time succeeds, so
 * every server may run this at once. Returns how many pools this call refilled.
 */
export async function refillDueWarmPools(
  store: ResourceStore,
  nowMs: number,
  batch: number,
  options: ScalingOptions,
): Promise<number> {
  let refilled = 0;
  for (;;) {
    const due = await store.resourceRead((tx) => tx.warmPools.due(nowMs, batch));
    let claimed = 0;
    for (const { projectId, groupId, dueAt } of due) {
      const done = await store.resourceSession(async (tx) => {
        const group = await tx.groups.lock(projectId, groupId);
        if (!(await tx.warmPools.claimRefill(projectId, groupId, dueAt))) return false;
        const pool = await tx.warmPools.get(projectId, groupId);
        if (group !== undefined && pool !== undefined) {
          await fillWarmPool(tx, group, pool, nowMs, options);
        }
        return true;
      });
      if (done) claimed += 1;
    }
    refilled += claimed;
    // Claims lost to other servers leave nothing of this batch to do.
    if (due.length < batch || claimed === 0) return refilled;
  }
}
