import { randomUUID } from 'node:crypto';
import type { HookType, HookWait, LifecycleHook } from '../domain/lifecycle-hook.js';
import type { ScalingActivity } from '../domain/scaling-activity.js';
import type { ScalingGroup } from '../domain/scaling-group.js';
import type { LifeCycleState, ScalingInstance } from '../domain/scaling-instance.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { ResourceTransaction } from '../store/resource-store.js';
import { recordHoldNotifications } from './record-notifications.js';

/**
 * Where a change's instances meet the group's lifecycle hooks: a scale-out's new instances
 * wait in PENDING_WAIT, a scale-in's picked ones in REMOVING_WAIT, each held by the group's
 * oldest hook of the matching type, and the change's activity stays DOING until every hold
 * has ended (see `lifecycle-hooks.ts`, which ends them).
 */

/** The wait state a hook of `type` holds an instance in. */
export const waitStateOf = (type: HookType): LifeCycleState =>
  type === 'INSTANCE_LAUNCHING' ? 'PENDING_WAIT' : 'REMOVING_WAIT';

/** `value` without its settle time: a held change settles only when its holds end. */
export function unsettled<T extends { readonly settlesAt?: number }>(
  value: T,
): Omit<T, 'settlesAt'> {
  const copy: { settlesAt?: number } & Omit<T, 'settlesAt'> = { ...value };
  delete copy.settlesAt;
  return copy;
}

/** A sentence appended to an activity's description, as the other notes on it are. */
export const withNote = (description: string, note: string): string =>
  description === '' ? note : `${description} ${note}`;

/** The hold `hook` places on `instance` from `nowMs`, for the change recorded as `activityId`. */
export function holdBy(
  hook: LifecycleHook,
  instanceId: string,
  activityId: string,
  nowMs: number,
  newId: () => string = randomUUID,
): HookWait {
  return {
    actionKey: newId(),
    projectId: hook.projectId,
    groupId: hook.groupId,
    instanceId,
    hookName: hook.name,
    hookType: hook.type,
    defaultResult: hook.defaultResult,
    timeoutAt: nowMs + hook.defaultTimeoutSeconds * 1000,
    status: 'HANGING',
    activityId,
    createTime: nowMs,
  };
}

/** A change's instances and activity, as they are written once the hooks have had their say. */
export interface HeldChange {
  readonly instances: ScalingInstance[];
  readonly activity: ScalingActivity;
}

/**
 * Holds the instances of a change in the wait state of the group's first hook of `type`
 * (the oldest: the others hold each instance in turn after it) and stores the holds. Without
 * such a hook the change is returned as it is. A held change's activity has no settle time:
 * it stays DOING until the last hold ends, and its description says which hook holds which
 * instance until when. Each hold's notification to the hook's topic is recorded with it.
 */
export async function holdForHooks(
  tx: ResourceTransaction,
  group: ScalingGroup,
  type: HookType,
  change: HeldChange,
  nowMs: number,
  newId?: () => string,
): Promise<HeldChange> {
  if (change.instances.length === 0) return change;
  const hooks = await tx.lifecycleHooks.ofGroup(group.projectId, group.id);
  const first = hooks.find((h) => h.type === type);
  if (first === undefined) return change;
  const waits = change.instances.map((i) => holdBy(first, i.id, change.activity.id, nowMs, newId));
  await tx.lifecycleHooks.insertWaits(waits);
  await recordHoldNotifications(tx, group, first, waits);
  const state = waitStateOf(type);
  const instances = change.instances.map((i): ScalingInstance => ({ ...unsettled(i), state }));
  const activity = unsettled(change.activity);
  const note = `Lifecycle hook ${first.name} (${type}) holds ${String(instances.length)} instance${instances.length === 1 ? '' : 's'} in ${state} until ${formatWireTimeMs(nowMs + first.defaultTimeoutSeconds * 1000)}: ${instances.map((i) => i.name).join(', ')}.`;
  return {
    instances,
    activity: { ...activity, description: withNote(activity.description, note) },
  };
}
