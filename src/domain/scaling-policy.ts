import type { OperationType, ResourceType } from './execution-log.js';
import { parseLaunchMinute, parseMinuteTime, parseRecurrenceDays } from './recurrence.js';
import type { RecurrenceType, Schedule } from './recurrence.js';
import type { UnixMs } from './unix-time.js';

/**
 * A scaling policy: what it scales, what triggers it and what it does. v1 policies act on
 * scaling groups; v2 policies on scaling groups or bandwidths. Both are kept in one shape.
 */

export const policyTypes = ['ALARM', 'SCHEDULED', 'RECURRENCE', 'INTERVAL_ALARM'] as const;
export type PolicyType = (typeof policyTypes)[number];

/** A policy is stored INSERVICE or PAUSED; it shows EXECUTING while one of its executions runs. */
export const storedPolicyStatuses = ['INSERVICE', 'PAUSED'] as const;
export type StoredPolicyStatus = (typeof storedPolicyStatuses)[number];
export type PolicyStatus = StoredPolicyStatus | 'EXECUTING';

/** The cloud's limits on a policy. */
export const maxPolicyCoolDownSeconds = 86_400;
export const defaultPolicyCoolDownSeconds = 300;

/** The schedule exactly as the client wrote it (the API returns it unchanged). */
export interface ScheduledPolicy {
  /** `YYYY-MM-DDThh:mmZ` for SCHEDULED, `hh:mm` for RECURRENCE; UTC. */
  readonly launchTime: string;
  readonly recurrenceType?: RecurrenceType;
  readonly recurrenceValue?: string;
  /** `YYYY-MM-DDThh:mmZ`. */
  readonly startTime?: string;
  readonly endTime?: string;
}

/**
 * What an execution does. Scaling groups count instances (`number`, `percentage`); bandwidths
 * count Mbit/s (`number` is the wire's `size`, `limits` the bound an ADD or REDUCE stops at).
 */
export interface PolicyAction {
  readonly operation: OperationType;
  readonly number?: number;
  readonly percentage?: number;
  readonly limits?: number;
}

/**
 * One action of an INTERVAL_ALARM policy, for the metric between its bounds. Kept and returned;
 * Scalelog fires such a policy with its `scaling_policy_action` (it sees no metric values).
 */
export interface IntervalAlarmAction extends PolicyAction {
  readonly lowerBound?: number;
  readonly upperBound?: number;
}

export interface ScalingPolicy {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  readonly policyType: PolicyType;
  readonly alarmId?: string;
  readonly scheduledPolicy?: ScheduledPolicy;
  readonly action: PolicyAction;
  readonly intervalAlarmActions?: readonly IntervalAlarmAction[];
  readonly coolDownSeconds: number;
  readonly status: StoredPolicyStatus;
  /** Unix ms. */
  readonly createTime: UnixMs;
  readonly description?: string;
  readonly metaData?: Readonly<Record<string, string>>;
  /** When its schedule next falls due (Unix ms); absent when nothing is pending. */
  readonly nextFireAt?: UnixMs;
}

/**
 * Policy names: 1-64 letters, digits, underscores, hyphens and Chinese characters (the
 * Terraform provider's check, `^[\u4e00-\u9fa50-9a-zA-Z-_]+$`). Counted in characters.
 */
export const policyNamePattern = /^[\p{Script=Han}A-Za-z0-9_-]{1,64}$/u;
export const maxPolicyNameLength = 64;

/**
 * The schedule a SCHEDULED or RECURRENCE policy fires on, or undefined for other policies
 * (and for a schedule that cannot be read, which the API never stores). A recurrence without
 * a `start_time` starts at `createTime`.
 */
export function policySchedule(policy: ScalingPolicy): Schedule | undefined {
  const sp = policy.scheduledPolicy;
  if (sp === undefined) return undefined;
  if (policy.policyType === 'SCHEDULED') {
    const launchAt = parseMinuteTime(sp.launchTime);
    return launchAt === undefined ? undefined : { kind: 'once', launchAt };
  }
  if (policy.policyType !== 'RECURRENCE' || sp.recurrenceType === undefined) return undefined;
  const minuteOfDay = parseLaunchMinute(sp.launchTime);
  const days = parseRecurrenceDays(sp.recurrenceType, sp.recurrenceValue);
  const startAt = sp.startTime === undefined ? policy.createTime : parseMinuteTime(sp.startTime);
  const endAt = sp.endTime === undefined ? undefined : parseMinuteTime(sp.endTime);
  if (
    minuteOfDay === undefined ||
    days === undefined ||
    startAt === undefined ||
    endAt === undefined
  ) {
    return undefined;
  }
  return {
    kind: 'recurrence',
    recurrenceType: sp.recurrenceType,
    days,
    minuteOfDay,
    startAt,
    endAt,
  };
}
