import type { HookDefaultResult, HookWait } from '../domain/lifecycle-hook.js';
import type { ScalingActivity } from '../domain/scaling-activity.js';
import type { ScalingGroup } from '../domain/scaling-group.js';
import type { ScalingInstance } from '../domain/scaling-instance.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { recordActivityNotifications, recordHoldNotifications } from './record-notifications.js';
import { followDesired, toActivityInstance } from './group-scaling.js';
import type { ScalingOptions } from './group-scaling.js';
import { holdBy, unsettled, waitStateOf, withNote } from './lifecycle-hold.js';

/**
 * How a lifecycle hook's hold on an instance ends: by a callback (CONTINUE or ABANDON), or
 * at its deadline with the hook's default result, applied by the engine's pass on whichever
 * server claims it first. The rules, from the reference:
 *
 * - launching, CONTINUE: the group's next launching hook holds the instance in turn; after
 *   the last, it is in service.
 * - launching, ABANDON: the instance is removed (its server deleted), the activity fails
 *   naming it, and the group builds a new instance toward its desired number.
 * - terminating, CONTINUE: the next terminating hook holds it in turn; after the last it is
 *   removed. ABANDON: it is removed at once, the hooks after this one skipped.
 *
 * The activity of the change stays DOING while any of its instances is held; when the last
 * hold ends it settles (SUCCESS with its instances), or is FAIL when a launch was abandoned.
 * Every end is a sentence in its description.
 */

export type HoldEnd = 'callback' | 'timeout';

/**
 * Ends `wait` with `result` at `nowMs` and moves its instance on. The caller holds the
 * group's row (`group`, as locked) and has read `wait` in this transaction. False when the
 * hold had ended already (a callback or another server came first): nothing is changed.
 */
export async function endHold(
  tx: ResourceTransaction,
  group: ScalingGroup,
  wait: HookWait,
  result: HookDefaultResult,
  nowMs: number,
  end: HoldEnd,
  options: ScalingOptions,
): Promise<boolean> {
  if (!(await tx.lifecycleHooks.finishWait(wait.actionKey, wait.timeoutAt, result))) return false;
  const launching = wait.hookType === 'INSTANCE_LAUNCHING';
  const instance = await tx.instances.get(wait.projectId, wait.instanceId);
  const how =
    end === 'timeout'
      ? `at its timeout (${formatWireTimeMs(wait.timeoutAt)}, its default result)`
      : 'by callback';
  let note = `Lifecycle hook ${wait.hookName}: instance ${instance?.name ?? wait.instanceId} ${result} ${how}.`;
  let abandoned: ScalingInstance | undefined;
  if (instance?.state === waitStateOf(wait.hookType)) {
    const next = result === 'CONTINUE' ? await nextHook(tx, wait) : undefined;
    if (next !== undefined) {
      // Listed after the hold it follows, even within one millisecond.
      const at = Math.max(nowMs, wait.createTime + 1);
      const hold = {
        ...holdBy(next, instance.id, wait.activityId, nowMs, options.newId),
        createTime: at,
      };
      await tx.lifecycleHooks.insertWaits([hold]);
      await recordHoldNotifications(tx, group, next, [hold]);
      note += ` Lifecycle hook ${next.name} holds it next, until ${formatWireTimeMs(hold.timeoutAt)}.`;
    } else if (launching && result === 'CONTINUE') {
      await tx.instances.update([{ ...unsettled(instance), state: 'INSERVICE' }]);
    } else {
      const gone: ScalingInstance = {
        ...instance,
        state: 'REMOVING',
        settlesAt: nowMs + options.instanceSettleMs,
      };
      await tx.instances.update([gone]);
      if (launching) abandoned = gone;
    }
  }
  const activity = await tx.activities.get(wait.projectId, wait.activityId);
  if (activity !== undefined) await noteOnActivity(tx, activity, note, abandoned, nowMs, options);
  if (abandoned !== undefined && group.status === 'INSERVICE') {
    const outcome = await followDesired(
      tx,
      group,
      nowMs,
      {
        type: 'DIFF',
        description: `Instance ${abandoned.name} was abandoned by lifecycle hook ${wait.hookName}: a new instance replaces it.`,
      },
      options,
    );
    if (outcome.group !== group) await tx.groups.update(outcome.group);
  }
  return true;
}

/** The group's hook of the same type created after the one that held `wait`, if any. */
async function nextHook(tx: ResourceTransaction, wait: HookWait) {
  const hooks = (await tx.lifecycleHooks.ofGroup(wait.projectId, wait.groupId)).filter(
    (h) => h.type === wait.hookType,
  );
  const at = hooks.findIndex((h) => h.name === wait.hookName);
  // A hook deleted since it began the hold has no place in the order: none follows it.
  return at < 0 ? undefined : hooks[at + 1];
}

/** Adds `note` to the activity; settles it when none of its instances is held any more. */
async function noteOnActivity(
  tx: ResourceTransaction,
  activity: ScalingActivity,
  note: string,
  abandoned: ScalingInstance | undefined,
  nowMs: number,
  options: ScalingOptions,
): Promise<void> {
  const failed =
    abandoned === undefined
      ? activity.failed
      : [
          ...activity.failed,
          {
            ...toActivityInstance(abandoned),
            failedReason: 'Abandoned by a lifecycle hook',
            failedDetails: note,
          },
        ];
  let updated: ScalingActivity = {
    ...activity,
    description: withNote(activity.description, note),
    failed,
  };
  const held = await tx.lifecycleHooks.countHanging(
    activity.projectId,
    activity.groupId,
    activity.id,
  );
  if (held === 0 && activity.status === 'DOING') {
    if (failed.length > 0) {
      updated = { ...unsettled(updated), status: 'FAIL', endTime: nowMs };
    } else {
      // Removed instances take the settle delay to go; launched ones are in service now.
      const removes = activity.removed.length + activity.deleted.length > 0;
      updated = { ...updated, settlesAt: nowMs + (removes ? options.instanceSettleMs : 0) };
    }
  }
  await tx.activities.update(updated);
  // A failed end is written here, not by the settling pass: its notifications too.
  if (updated.status === 'FAIL' && activity.status !== 'FAIL') {
    await recordActivityNotifications(tx, updated);
  }
}

/**
 * Applies the default result of every hold whose deadline has come by `nowMs`, each in its
 * own transaction holding its group's row; a hold is ended by one claim only, so every server
 * may run this at once and each timeout applies once. Returns how many this call applied.
 */
export async function applyHookTimeouts(
  store: ResourceStore,
  nowMs: number,
  batch: number,
  options: ScalingOptions,
): Promise<number> {
  let applied = 0;
  for (;;) {
    const due = await store.resourceRead((tx) => tx.lifecycleHooks.dueWaits(nowMs, batch));
    let ended = 0;
    for (const seen of due) {
      const done = await store.resourceSession(async (tx) => {
        const group = await tx.groups.lock(seen.projectId, seen.groupId);
        if (group === undefined) return false;
        const wait = await tx.lifecycleHooks.waitByKey(
          seen.projectId,
          seen.groupId,
          seen.actionKey,
        );
        if (wait?.status !== 'HANGING' || wait.timeoutAt > nowMs) return false;
        return endHold(tx, group, wait, wait.defaultResult, nowMs, 'timeout', options);
      });
      if (done) ended += 1;
    }
    applied += ended;
    // A full batch may hide more; a pass that ended none leaves them to the servers that did.
    if (due.length < batch || ended === 0) return applied;
  }
}
