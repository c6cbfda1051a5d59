import { apiErrors } from '../../errors/api-error.js';
import { resourceTypes } from '../../domain/execution-log.js';
import type { ResourceType } from '../../domain/execution-log.js';
import { uuidLikePattern } from '../../domain/ids.js';
import {
  defaultPolicyCoolDownSeconds,
  maxPolicyCoolDownSeconds,
  maxPolicyNameLength,
  policyNamePattern,
  policyTypes,
} from '../../domain/scaling-policy.js';
import type { PolicyType, ScalingPolicy } from '../../domain/scaling-policy.js';
import { bodyObject, integerField, onlyFields, showValue } from '../../http/body-fields.js';
import type { WireBody } from '../../http/body-fields.js';
import { parseAction, parseIntervalActions } from './action-parse.js';
import type { PolicyFields } from './changes.js';
import { display, isAbsent, oneOf, v1, v2 } from './dialect.js';
import type { Dialect } from './dialect.js';
import { parseSchedule } from './schedule-parse.js';
import type { Checks } from './schedule-parse.js';
import { policyToBody } from './wire.js';
import { plainIdPattern } from '../../domain/ids.js';

/**
 * Scaling policy request bodies to domain values: the v1 API (scaling groups,
 * `instance_number` and `instance_percentage`) and the v2 API (groups and bandwidths, `size`,
 * `percentage` and `limits`).
 *
 * Each refused value is answered with its documented AS.30xx code. A trigger field the policy
 * type does not use is ignored and not stored, as the cloud documents: `scheduled_policy` of an
 * ALARM policy, `alarm_id` of a SCHEDULED or RECURRENCE one.
 */

const v1UpdateFields = [
  'scaling_policy_name',
  'scaling_policy_type',
  'alarm_id',
  'scheduled_policy',
  'scaling_policy_action',
  'cool_down_time',
] as const;
const v1CreateFields = ['scaling_group_id', ...v1UpdateFields] as const;
const v2Fields = [
  'scaling_policy_name',
  'scaling_resource_id',
  'scaling_resource_type',
  'scaling_policy_type',
  'alarm_id',
  'scheduled_policy',
  'scaling_policy_action',
  'interval_alarm_actions',
  'cool_down_time',
  'description',
] as const;

const maxDescriptionLength = 256;
/** Alarm ids are opaque to Scalelog, which stands in for the monitoring service. */
const alarmIdPattern = plainIdPattern;

function parseName(value: unknown): string {
  if (isAbsent(value)) throw apiErrors.policyNameNull();
  if (typeof value !== 'string') throw apiErrors.policyNameInvalid(showValue(value));
  // Characters, not UTF-16 units: a Chinese name of 64 characters is 64 long.
  if (Array.from(value).length > maxPolicyNameLength) throw apiErrors.policyNameLength(value);
  if (!policyNamePattern.test(value)) throw apiErrors.policyNameInvalid(value);
  return value;
}

function parseType(value: unknown, accepted: readonly PolicyType[]): PolicyType {
  if (isAbsent(value)) throw apiErrors.policyTypeNull(oneOf(accepted));
  if (typeof value !== 'string' || !(accepted as readonly string[]).includes(value)) {
    throw apiErrors.policyTypeInvalid(display(value), oneOf(accepted));
  }
  return value as PolicyType;
}

function parseGroupId(body: WireBody): string {
  const value = body.scaling_group_id;
  if (isAbsent(value)) throw apiErrors.policyGroupIdNull();
  if (typeof value !== 'string') {
    throw apiErrors.badRequestBody(
      `scaling_group_id must be a string, the id of a scaling group, not ${showValue(value)}.`,
    );
  }
  return value;
}

function parseResource(body: WireBody): Pick<PolicyFields, 'resourceType' | 'resourceId'> {
  const type = body.scaling_resource_type;
  if (isAbsent(type)) throw apiErrors.resourceTypeNull();
  if (typeof type !== 'string' || !(resourceTypes as readonly string[]).includes(type)) {
    throw apiErrors.resourceTypeInvalid(display(type));
  }
  const id = body.scaling_resource_id;
  if (isAbsent(id)) throw apiErrors.resourceIdNull();
  if (typeof id !== 'string' || !uuidLikePattern.test(id)) {
    throw apiErrors.resourceIdFormat(display(id));
  }
  return { resourceType: type as ResourceType, resourceId: id };
}

function parseAlarmId(value: unknown): string {
  if (isAbsent(value)) throw apiErrors.alarmIdNull();
  if (typeof value !== 'string' || !alarmIdPattern.test(value)) {
    throw apiErrors.alarmIdIllegal(display(value));
  }
  return value;
}

function parseDescription(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > maxDescriptionLength) {
    throw apiErrors.badRequestBody(
      `description must be a string of at most ${String(maxDescriptionLength)} characters, not ${showValue(value)}.`,
    );
  }
  return value;
}

/**
 * Everything but the resource, checked as a whole: the trigger the type needs, the action for
 * the resource's kind, the cooldown and (v2) the description.
 */
function parseBehaviour(
  body: WireBody,
  resourceType: ResourceType,
  dialect: Dialect,
  checks: Checks,
): Omit<PolicyFields, 'resourceType' | 'resourceId'> {
  const name = parseName(body.scaling_policy_name);
  const policyType = parseType(body.scaling_policy_type, checks.types);
  const trigger: Pick<PolicyFields, 'alarmId' | 'scheduledPolicy'> =
    policyType === 'ALARM' || policyType === 'INTERVAL_ALARM'
      ? { alarmId: parseAlarmId(body.alarm_id) }
      : { scheduledPolicy: parseSchedule(body, policyType, checks) };
  const action = parseAction(body.scaling_policy_action, resourceType, dialect);
  const intervalAlarmActions =
    policyType === 'INTERVAL_ALARM' && dialect === v2
      ? parseIntervalActions(body.interval_alarm_actions, resourceType)
      : undefined;
  const coolDownSeconds =
    integerField(body, 'cool_down_time', 0, maxPolicyCoolDownSeconds, (v) =>
      apiErrors.policyCoolDown(v),
    ) ?? defaultPolicyCoolDownSeconds;
  const description = dialect === v2 ? parseDescription(body.description) : undefined;
  return {
    name,
    policyType,
    ...trigger,
    action,
    ...(intervalAlarmActions === undefined ? {} : { intervalAlarmActions }),
    coolDownSeconds,
    ...(description === undefined ? {} : { description }),
  };
}

const createChecks = (dialect: Dialect, nowMs: number): Checks => ({
  nowMs,
  againstNow: true,
  types: dialect.types,
});

/**
 * An update re-checks the policy as a whole, as its fields merge with the stored ones. A type
 * the update does not name is the stored one, whatever the API version that stored it.
 */
const updateChecks = (dialect: Dialect, given: WireBody, nowMs: number): Checks => ({
  nowMs,
  againstNow: given.scheduled_policy !== undefined || given.scaling_policy_type !== undefined,
  types: given.scaling_policy_type === undefined ? policyTypes : dialect.types,
});

/** The update's fields, `null` counting as absent; nested objects replace the stored ones. */
function givenFields(body: WireBody): WireBody {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined && v !== null));
}

/** Reads `POST /autoscaling-api/v1/{project_id}/scaling_policy` (a scaling group policy). */
export function parseV1Create(raw: unknown, nowMs: number): PolicyFields {
  const body = bodyObject(raw);
  onlyFields(body, v1CreateFields, 'a v1 scaling policy');
  const resourceId = parseGroupId(body);
  return {
    resourceType: 'SCALING_GROUP',
    resourceId,
    ...parseBehaviour(body, 'SCALING_GROUP', v1, createChecks(v1, nowMs)),
  };
}

/** Reads `POST /autoscaling-api/v2/{project_id}/scaling_policy` (a group or bandwidth policy). */
export function parseV2Create(raw: unknown, nowMs: number): PolicyFields {
  const body = bodyObject(raw);
  onlyFields(body, v2Fields, 'a v2 scaling policy');
  const resource = parseResource(body);
  return {
    ...resource,
    ...parseBehaviour(body, resource.resourceType, v2, createChecks(v2, nowMs)),
  };
}

/**
 * Applies `PUT /autoscaling-api/v1/{project_id}/scaling_policy/{id}` to a scaling group policy:
 * every field optional; `scheduled_policy` and `scaling_policy_action` replace the stored
 * objects whole. The v2 fields this API cannot see (description, interval actions) are kept.
 */
export function applyV1Update(policy: ScalingPolicy, raw: unknown, nowMs: number): PolicyFields {
  const body = bodyObject(raw);
  onlyFields(body, v1UpdateFields, 'a v1 scaling policy update');
  const given = givenFields(body);
  const fields = parseBehaviour(
    { ...policyToBody(policy, v1), ...given },
    policy.resourceType,
    v1,
    updateChecks(v1, given, nowMs),
  );
  const keepIntervals =
    fields.policyType === 'INTERVAL_ALARM' && policy.intervalAlarmActions !== undefined;
  return {
    resourceType: policy.resourceType,
    resourceId: policy.resourceId,
    ...fields,
    ...(keepIntervals ? { intervalAlarmActions: policy.intervalAlarmActions } : {}),
    ...(policy.description === undefined ? {} : { description: policy.description }),
  };
}

/**
 * Applies `PUT /autoscaling-api/v2/{project_id}/scaling_policy/{id}`: every field optional,
 * the resource included; nested objects and `interval_alarm_actions` replace the stored ones
 * whole; an empty description removes it.
 */
export function applyV2Update(policy: ScalingPolicy, raw: unknown, nowMs: number): PolicyFields {
  const body = bodyObject(raw);
  onlyFields(body, v2Fields, 'a v2 scaling policy update');
  const given = givenFields(body);
  // An empty description stays in `given`, and parses as none.
  const merged = { ...policyToBody(policy, v2), ...given };
  const resource = parseResource(merged);
  return {
    ...resource,
    ...parseBehaviour(merged, resource.resourceType, v2, updateChecks(v2, given, nowMs)),
  };
}
