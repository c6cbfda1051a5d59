import type { Bandwidth } from '../../domain/bandwidth.js';
import type {
  IntervalAlarmAction,
  PolicyAction,
  ScalingPolicy,
  ScheduledPolicy,
} from '../../domain/scaling-policy.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { v1, v2 } from './dialect.js';
import type { Dialect } from './dialect.js';

/**
 * Scaling policies to the wire: the `scaling_policy` objects of the v1 and v2 answers, and a
 * stored policy as the request body an update merges into. Absent fields are omitted from
 * the answers, never `null`.
 */

/** The stored policy as a request body of `dialect`, for an update to merge into. */
export function policyToBody(policy: ScalingPolicy, dialect: Dialect): Record<string, unknown> {
  return {
    scaling_policy_name: policy.name,
    scaling_policy_type: policy.policyType,
    ...(policy.alarmId === undefined ? {} : { alarm_id: policy.alarmId }),
    ...(policy.scheduledPolicy === undefined
      ? {}
      : { scheduled_policy: scheduleToWire(policy.scheduledPolicy) }),
    scaling_policy_action: actionToWire(policy.action, dialect),
    cool_down_time: policy.coolDownSeconds,
    ...(dialect === v2
      ? {
          scaling_resource_type: policy.resourceType,
          scaling_resource_id: policy.resourceId,
          ...(policy.intervalAlarmActions === undefined
            ? {}
            : { interval_alarm_actions: policy.intervalAlarmActions.map(intervalToWire) }),
          ...(policy.description === undefined ? {} : { description: policy.description }),
        }
      : {}),
  };
}

function scheduleToWire(sp: ScheduledPolicy): Record<string, string> {
  return {
    launch_time: sp.launchTime,
    ...(sp.recurrenceType === undefined ? {} : { recurrence_type: sp.recurrenceType }),
    ...(sp.recurrenceValue === undefined ? {} : { recurrence_value: sp.recurrenceValue }),
    ...(sp.startTime === undefined ? {} : { start_time: sp.startTime }),
    ...(sp.endTime === undefined ? {} : { end_time: sp.endTime }),
  };
}

function actionToWire(action: PolicyAction, dialect: Dialect): Record<string, unknown> {
  return {
    operation: action.operation,
    ...(action.percentage === undefined
      ? { [dialect.numberField]: action.number ?? 1 }
      : { [dialect.percentageField]: action.percentage }),
    ...(action.limits === undefined || dialect !== v2 ? {} : { limits: action.limits }),
  };
}

function intervalToWire(action: IntervalAlarmAction): Record<string, unknown> {
  return {
    ...actionToWire(action, v2),
    ...(action.lowerBound === undefined ? {} : { lower_bound: action.lowerBound }),
    ...(action.upperBound === undefined ? {} : { upper_bound: action.upperBound }),
  };
}

const createTime = (policy: ScalingPolicy): string => formatWireTimeMs(policy.createTime);

/**
 * The v1 `scaling_policy` object (show and list by group). `executing`: the policy has an
 * execution under way, which the cloud shows as `policy_status` EXECUTING.
 */
export function policyToV1(policy: ScalingPolicy, executing: boolean): Record<string, unknown> {
  return {
    scaling_group_id: policy.resourceId,
    scaling_policy_name: policy.name,
    scaling_policy_id: policy.id,
    policy_status: executing ? 'EXECUTING' : policy.status,
    scaling_policy_type: policy.policyType,
    ...(policy.alarmId === undefined ? {} : { alarm_id: policy.alarmId }),
    ...(policy.scheduledPolicy === undefined
      ? {}
      : { scheduled_policy: scheduleToWire(policy.scheduledPolicy) }),
    scaling_policy_action: actionToWire(policy.action, v1),
    cool_down_time: policy.coolDownSeconds,
    create_time: createTime(policy),
  };
}

/**
 * The v2 `scaling_policy` object (show and both lists). A bandwidth policy carries `meta_data`
 * from its bandwidth (`bandwidth`, when it still exists), spelled `metadata_eip_address` as
 * the v2 policy API spells it (the execute log spells it `metadataeip_address`).
 */
export function policyToV2(
  policy: ScalingPolicy,
  executing: boolean,
  bandwidth: Bandwidth | undefined,
): Record<string, unknown> {
  return {
    scaling_policy_name: policy.name,
    scaling_policy_id: policy.id,
    scaling_resource_id: policy.resourceId,
    scaling_resource_type: policy.resourceType,
    policy_status: executing ? 'EXECUTING' : policy.status,
    scaling_policy_type: policy.policyType,
    ...(policy.alarmId === undefined ? {} : { alarm_id: policy.alarmId }),
    ...(policy.scheduledPolicy === undefined
      ? {}
      : { scheduled_policy: scheduleToWire(policy.scheduledPolicy) }),
    scaling_policy_action: actionToWire(policy.action, v2),
    ...(policy.intervalAlarmActions === undefined
      ? {}
      : { interval_alarm_actions: policy.intervalAlarmActions.map(intervalToWire) }),
    cool_down_time: policy.coolDownSeconds,
    create_time: createTime(policy),
    ...(policy.description === undefined ? {} : { description: policy.description }),
    ...(policy.resourceType === 'BANDWIDTH' && bandwidth !== undefined
      ? {
          meta_data: {
            metadata_bandwidth_share_type: bandwidth.shareType,
            ...(bandwidth.eipId === undefined ? {} : { metadata_eip_id: bandwidth.eipId }),
            ...(bandwidth.eipAddress === undefined
              ? {}
              : { metadata_eip_address: bandwidth.eipAddress }),
          },
        }
      : {}),
  };
}
