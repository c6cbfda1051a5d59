import type { UnixMs } from './unix-time.js';
import { formatWireTimeMs } from './wire-time.js';

/**
 * A scaling activity: one change to a group's instances (a policy's execution, a desired
 * number set through the group API, the group brought to its desired number on resume, an
 * instance added, removed, deleted, put into or out of standby), as the cloud's activity log
 * records it. An activity is DOING until its instances settle (`settlesAt`), then SUCCESS;
 * {@link activityAt} reads it at any moment, so every read agrees whether or not the engine
 * has written the end down yet.
 */

export const activityStatuses = ['SUCCESS', 'FAIL', 'DOING'] as const;
export type ActivityStatus = (typeof activityStatuses)[number];

/** The cloud's activity types (the v2 log's `type`). */
export const activityTypes = [
  'NORMAL',
  'MANUAL_REMOVE',
  'MANUAL_DELETE',
  'MANUAL_ADD',
  'ELB_CHECK_DELETE',
  'AUDIT_CHECK_DELETE',
  'DIFF',
  'MODIFY_ELB',
  'ENTER_STANDBY',
  'EXIT_STANDBY',
] as const;
export type ActivityType = (typeof activityTypes)[number];

/** An instance an activity names. */
export interface ActivityInstance {
  readonly id: string;
  readonly name: string;
  /** The configuration the instance was built from, when it was. */
  readonly configurationId?: string;
  readonly failedReason?: string;
  readonly failedDetails?: string;
}

/** Why the desired number changed, as the cloud's `description` records it. */
export interface ChangeReason {
  /** SCHEDULED, RECURRENCE, ALARM, MANUAL (a policy's trigger), or DIFF, MANUAL_ADJUST... */
  readonly changeReason: string;
  readonly oldValue: number;
  readonly newValue: number;
  /** Unix ms. */
  readonly changeTime: UnixMs;
  readonly policyId?: string;
  readonly policyName?: string;
}

export interface ScalingActivity {
  readonly id: string;
  readonly projectId: string;
  readonly groupId: string;
  /** The status as stored; {@link activityAt} gives the status at a moment. */
  readonly status: ActivityStatus;
  readonly type: ActivityType;
  /** Unix ms. */
  readonly startTime: UnixMs;
  /** Unix ms; absent while DOING. */
  readonly endTime?: UnixMs;
  /** When a DOING activity completes (Unix ms). */
  readonly settlesAt?: UnixMs;
  /** The cloud's description: a JSON text of the reasons, or a sentence. */
  readonly description: string;
  /** The group's instances when the activity started. */
  readonly instanceValue: number;
  /** The desired number the activity works toward. */
  readonly desireValue: number;
  /** How many instances it adds or removes. */
  readonly scalingValue: number;
  readonly added: readonly ActivityInstance[];
  readonly removed: readonly ActivityInstance[];
  readonly deleted: readonly ActivityInstance[];
  readonly failed: readonly ActivityInstance[];
  readonly standby: readonly ActivityInstance[];
}

/** `activity` at `nowMs`: a DOING activity has succeeded from `settlesAt`, when it ended. */
export function activityAt(activity: ScalingActivity, nowMs: number): ScalingActivity {
  if (activity.status !== 'DOING' || activity.settlesAt === undefined) return activity;
  if (nowMs < activity.settlesAt) return activity;
  return { ...activity, status: 'SUCCESS', endTime: activity.settlesAt };
}

/**
 * The cloud's description of a change of the desired number: `{"reason":[{...}]}` with the
 * reason, the old and new values, the time and the policy that made it.
 */
export function changeDescription(reasons: readonly ChangeReason[]): string {
  return JSON.stringify({
    reason: reasons.map((r) => ({
      change_reason: r.changeReason,
      old_value: r.oldValue,
      ...(r.policyName === undefined ? {} : { scaling_policy_name: r.policyName }),
      change_time: formatWireTimeMs(r.changeTime),
      new_value: r.newValue,
      ...(r.policyId === undefined ? {} : { scaling_policy_id: r.policyId }),
    })),
  });
}
