import { nextFireTime } from '../../domain/recurrence.js';
import { policySchedule } from '../../domain/scaling-policy.js';
import type {
  ScalingPolicy,
  ScheduledPolicy,
  StoredPolicyStatus,
} from '../../domain/scaling-policy.js';

/** What a create or update request sets: a policy without its identity, status and times. */
export type PolicyFields = Pick<
  ScalingPolicy,
  | 'name'
  | 'resourceType'
  | 'resourceId'
  | 'policyType'
  | 'alarmId'
  | 'scheduledPolicy'
  | 'action'
  | 'intervalAlarmActions'
  | 'coolDownSeconds'
  | 'description'
>;

/** The next time a policy's own trigger fires from `fromMs`: INSERVICE scheduled policies only. */
function pendingTrigger(policy: ScalingPolicy, fromMs: number): number | undefined {
  if (policy.status !== 'INSERVICE') return undefined;
  const schedule = policySchedule(policy);
  return schedule === undefined ? undefined : nextFireTime(schedule, fromMs);
}

function withNextFire(policy: ScalingPolicy, next: number | undefined): ScalingPolicy {
  const { nextFireAt: previous, ...rest } = policy;
  if (previous === next) return policy;
  return next === undefined ? rest : { ...rest, nextFireAt: next };
}

/** A new INSERVICE policy created at `nowMs`, its next trigger pending when it has one. */
export function newPolicy(
  projectId: string,
  id: string,
  fields: PolicyFields,
  nowMs: number,
): ScalingPolicy {
  const policy: ScalingPolicy = {
    ...fields,
    id,
    projectId,
    status: 'INSERVICE',
    createTime: nowMs,
  };
  return withNextFire(policy, pendingTrigger(policy, nowMs));
}

/** The policy in `status`: the same object when it is already there (pause and resume are idempotent). */
export function withStatus(
  policy: ScalingPolicy,
  status: StoredPolicyStatus,
  nowMs: number,
): ScalingPolicy {
  if (policy.status === status) return policy;
  const changed = { ...policy, status };
  // Paused: nothing pending. Resumed: the first occurrence from now, not the ones missed.
  return withNextFire(changed, pendingTrigger(changed, nowMs));
}

const sameSchedule = (a: ScheduledPolicy | undefined, b: ScheduledPolicy | undefined): boolean =>
  a?.launchTime === b?.launchTime &&
  a?.recurrenceType === b?.recurrenceType &&
  a?.recurrenceValue === b?.recurrenceValue &&
  a?.startTime === b?.startTime &&
  a?.endTime === b?.endTime;

/**
 * The policy with an update's fields. Its identity, status and creation time stay; its next
 * trigger is computed again from now only when its type or schedule changed.
 */
export function updated(policy: ScalingPolicy, fields: PolicyFields, nowMs: number): ScalingPolicy {
  const next: ScalingPolicy = {
    id: policy.id,
    projectId: policy.projectId,
    status: policy.status,
    createTime: policy.createTime,
    ...(policy.metaData === undefined ? {} : { metaData: policy.metaData }),
    ...fields,
  };
  const triggerChanged =
    fields.policyType !== policy.policyType ||
    !sameSchedule(fields.scheduledPolicy, policy.scheduledPolicy);
  return withNextFire(next, triggerChanged ? pendingTrigger(next, nowMs) : policy.nextFireAt);
}
