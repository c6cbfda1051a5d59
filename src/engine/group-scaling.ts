import { randomUUID } from 'node:crypto';
import { changeDescription } from '../domain/scaling-activity.js';
import { recordActivityNotifications } from './record-notifications.js';
import type {
  ActivityInstance,
  ActivityType,
  ChangeReason,
  ScalingActivity,
} from '../domain/scaling-activity.js';
import type { ScalingConfiguration } from '../domain/scaling-configuration.js';
import type { ScalingGroup } from '../domain/scaling-group.js';
import {
  countsAsCurrent,
  countsTowardDesired,
  defaultTerminatePolicy,
  instanceAt,
  instanceName,
  removalOrder,
  terminatePolicies,
} from '../domain/scaling-instance.js';
import type { InstanceView, ScalingInstance, TerminatePolicy } from '../domain/scaling-instance.js';
import { withWarmPoolNote } from '../domain/warm-pool.js';
import type { ResourceTransaction } from '../store/resource-store.js';
import { markWarmPoolDue, takeFromWarmPool } from './warm-pool.js';
import { holdForHooks } from './lifecycle-hold.js';

/**
 * How a group's instances follow its desired number: the one place where instances are
 * added to a group for a change of the desired number, picked for a scale-in, and recorded as
 * a scaling activity, whether a policy, the group API or a resume made the change. Runs inside
 * the caller's transaction, which holds the group's row: instances and activity commit with
 * the change that causes them, or not at all.
 */

/** How changes behave: the settle delay, and where new ids and names come from. */
export interface ScalingOptions {
  /** How long instances take to come into service or to go (ms). */
  readonly instanceSettleMs: number;
  /** New ids (activities, servers); random UUIDs by default. */
  readonly newId?: () => string;
  /** Numbers in [0, 1) for instance names; Math.random by default. */
  readonly random?: () => number;
}

/** The group's instances at `nowMs`: what is there, what counts as current, what toward desired. */
export interface GroupInstances {
  readonly views: readonly InstanceView[];
  /** `current_instance_number`. */
  readonly current: number;
  /** The instances a change of the desired number starts from. */
  readonly active: readonly InstanceView[];
}

export async function groupInstances(
  tx: ResourceTransaction,
  group: ScalingGroup,
  nowMs: number,
): Promise<GroupInstances> {
  const stored = await tx.instances.ofGroup(group.projectId, group.id);
  const views = stored
    .map((i) => instanceAt(i, nowMs))
    .filter((v): v is InstanceView => v !== undefined);
  return {
    views,
    current: views.filter((v) => countsAsCurrent(v.state)).length,
    active: views.filter((v) => countsTowardDesired(v.state)),
  };
}

/** The configuration the group builds instances from, when it has one that exists. */
export async function groupConfiguration(
  tx: ResourceTransaction,
  group: ScalingGroup,
): Promise<ScalingConfiguration | undefined> {
  const id = group.attributes['scaling_configuration_id'];
  if (typeof id !== 'string') return undefined;
  return tx.configurations.get(group.projectId, id);
}

export function terminatePolicyOf(group: ScalingGroup): TerminatePolicy {
  const policy = group.attributes['instance_terminate_policy'];
  return terminatePolicies.find((p) => p === policy) ?? defaultTerminatePolicy;
}

/** What caused a change: the activity's type and the reason its description gives. */
export interface ChangeCause {
  readonly type: ActivityType;
  /** `{"reason":[...]}`'s entry; without one the description is `description`. */
  readonly reason?: Omit<ChangeReason, 'oldValue' | 'newValue' | 'changeTime'>;
  readonly description?: string;
}

/**
 * What the caller has read already in this transaction, so that it is not read twice: the
 * group's instances at the change's moment, and its configuration (undefined: it has none).
 */
export interface KnownState {
  readonly instances?: GroupInstances;
  readonly configuration?: ScalingConfiguration | undefined;
}

/** What a change did: the group with its instance change under way, and the activity. */
export interface FollowOutcome {
  readonly group: ScalingGroup;
  readonly activity?: ScalingActivity;
}

export const toActivityInstance = (i: ScalingInstance): ActivityInstance => ({
  id: i.id,
  name: i.name,
  ...(i.configurationId === undefined ? {} : { configurationId: i.configurationId }),
});

/**
 * Brings the group's instances toward its desired number at `nowMs`: builds the missing ones
 * from its configuration (PENDING until the settle delay has passed), or marks the ones its
 * terminate policy picks REMOVING (never a protected one), and records the activity, DOING
 * until the change settles. Returns the group unchanged and no activity when its instances
 * already match. A scale-out without a configuration records a FAIL activity and adds nothing.
 * The caller holds the group's row and writes the returned group.
 */
export async function followDesired(
  tx: ResourceTransaction,
  group: ScalingGroup,
  nowMs: number,
  cause: ChangeCause,
  options: ScalingOptions,
  oldDesire: number = group.desireInstances,
  known: KnownState = {},
): Promise<FollowOutcome> {
  const { current, active } = known.instances ?? (await groupInstances(tx, group, nowMs));
  const delta = group.desireInstances - active.length;
  if (delta === 0) return { group };
  const newId = options.newId ?? randomUUID;
  const settlesAt = nowMs + options.instanceSettleMs;
  const description =
    cause.reason === undefined
      ? (cause.description ?? '')
      : changeDescription([
          {
            ...cause.reason,
            // A DIFF is told as the cloud tells it: from the instances the group has to the
            // number it desires; a policy's change from the old desired number to the new.
            oldValue: cause.type === 'DIFF' ? active.length : oldDesire,
            newValue: group.desireInstances,
            changeTime: nowMs,
          },
        ]);
  const base = {
    id: newId(),
    projectId: group.projectId,
    groupId: group.id,
    type: cause.type,
    startTime: nowMs,
    description,
    instanceValue: current,
    desireValue: group.desireInstances,
    added: [],
    removed: [],
    deleted: [],
    failed: [],
    standby: [],
  } satisfies Partial<ScalingActivity>;

  if (delta > 0) {
    const configuration =
      'configuration' in known ? known.configuration : await groupConfiguration(tx, group);
    if (configuration === undefined) {
      const activity: ScalingActivity = {
        ...base,
        status: 'FAIL',
        endTime: nowMs,
        scalingValue: 0,
        description: `${description === '' ? '' : `${description} `}No AS configuration is in the AS group: no instance can be added.`,
      };
      await tx.activities.insert(activity);
      await recordActivityNotifications(tx, activity);
      return { group, activity };
    }
    const random = options.random ?? Math.random;
    // The warm pool's instances first: they join without being built.
    const pooled = await takeFromWarmPool(tx, group, delta, nowMs);
    const built: ScalingInstance[] = [];
    for (let n = pooled.length; n < delta; n += 1) {
      built.push({
        id: newId(),
        projectId: group.projectId,
        groupId: group.id,
        name: instanceName(configuration.name, random),
        configurationId: configuration.id,
        configurationName: configuration.name,
        state: 'PENDING',
        settlesAt,
        protectedFromScaleIn: false,
        deleteOnRemoval: true,
        createTime: nowMs,
      });
    }
    for (const i of built) {
      await tx.servers.insert({
        id: i.id,
        projectId: i.projectId,
        name: i.name,
        configurationId: configuration.id,
        createTime: nowMs,
      });
    }
    const added = [...pooled, ...built];
    // Built ones settle after the delay; pooled ones when READY (at once, when they are).
    const addedSettle = Math.max(nowMs, ...added.map((i) => i.settlesAt ?? nowMs));
    const draft: ScalingActivity = {
      ...base,
      description: withWarmPoolNote(base.description, pooled.length),
      status: 'DOING',
      settlesAt: addedSettle,
      scalingValue: added.length,
      added: added.map(toActivityInstance),
    };
    // Instances from the warm pool join the group as built ones do: through its launching hooks.
    const held = await holdForHooks(
      tx,
      group,
      'INSTANCE_LAUNCHING',
      { instances: added, activity: draft },
      nowMs,
      newId,
    );
    await tx.instances.insert(held.instances);
    await tx.activities.insert(held.activity);
    return { group: { ...group, settlesAt: addedSettle }, activity: held.activity };
  }

  // A smaller desired number may call for a larger pool (its size follows the group's).
  await markWarmPoolDue(tx, group, nowMs);
  const configuration = group.attributes['scaling_configuration_id'];
  const candidates = active
    .filter((v) => !v.instance.protectedFromScaleIn && v.state === 'INSERVICE')
    .map((v) => v.instance);
  const picked = removalOrder(
    candidates,
    terminatePolicyOf(group),
    typeof configuration === 'string' ? configuration : undefined,
  ).slice(0, -delta);
  if (picked.length === 0) return { group };
  const removing = picked.map((i): ScalingInstance => ({ ...i, state: 'REMOVING', settlesAt }));
  const draft: ScalingActivity = {
    ...base,
    status: 'DOING',
    settlesAt,
    scalingValue: removing.length,
    removed: removing.filter((i) => !i.deleteOnRemoval).map(toActivityInstance),
    deleted: removing.filter((i) => i.deleteOnRemoval).map(toActivityInstance),
  };
  const held = await holdForHooks(
    tx,
    group,
    'INSTANCE_TERMINATING',
    { instances: removing, activity: draft },
    nowMs,
    newId,
  );
  await tx.instances.update(held.instances);
  await tx.activities.insert(held.activity);
  return { group: { ...group, settlesAt }, activity: held.activity };
}
