import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { maxBandwidthSize, minBandwidthSize } from '../../domain/bandwidth.js';
import type { Bandwidth } from '../../domain/bandwidth.js';
import { resourceTypes } from '../../domain/execution-log.js';
import type { OperationType, ResourceType } from '../../domain/execution-log.js';
import { uuidLikePattern } from '../../domain/log-query.js';
import {
  formatMinuteTime,
  nextFireTime,
  parseLaunchMinute,
  parseMinuteTime,
  parseRecurrenceDays,
  recurrenceTypes,
} from '../../domain/recurrence.js';
import type { RecurrenceType } from '../../domain/recurrence.js';
import {
  defaultPolicyCoolDownSeconds,
  maxPolicyCoolDownSeconds,
  maxPolicyNameLength,
  policyNamePattern,
  policyTypes,
} from '../../domain/scaling-policy.js';
import type {
  IntervalAlarmAction,
  PolicyAction,
  PolicyType,
  ScalingPolicy,
  ScheduledPolicy,
} from '../../domain/scaling-policy.js';
import { formatWireTime } from '../../domain/wire-time.js';
import {
  bodyObject,
  integerField,
  objectField,
  onlyFields,
  showValue,
} from '../../http/body-fields.js';
import type { WireBody } from '../../http/body-fields.js';

/**
 * Scaling policies on the wire: the v1 API (scaling groups, `instance_number` and
 * `instance_percentage`) and the v2 API (groups and bandwidths, `size`, `percentage` and
 * `limits`), request bodies to domain values and policies to the `scaling_policy` objects.
 *
 * Each refused value is answered with its documented AS.30xx code. A trigger field the policy
 * type does not use is ignored and not stored, as the cloud documents: `scheduled_policy` of an
 * ALARM policy, `alarm_id` of a SCHEDULED or RECURRENCE one. Absent fields are omitted from
 * the answers, never `null`.
 */

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

/** The wire names of one API version. */
interface Dialect {
  readonly types: readonly PolicyType[];
  readonly numberField: 'instance_number' | 'size';
  readonly percentageField: 'instance_percentage' | 'percentage';
  readonly actionFields: readonly string[];
}

const v1: Dialect = {
  types: ['ALARM', 'SCHEDULED', 'RECURRENCE'],
  numberField: 'instance_number',
  percentageField: 'instance_percentage',
  actionFields: ['operation', 'instance_number', 'instance_percentage'],
};

const v2: Dialect = {
  types: policyTypes,
  numberField: 'size',
  percentageField: 'percentage',
  actionFields: ['operation', 'size', 'percentage', 'limits'],
};

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
const scheduleFields = [
  'launch_time',
  'recurrence_type',
  'recurrence_value',
  'start_time',
  'end_time',
];
const boundFields = ['lower_bound', 'upper_bound'] as const;

const maxActionNumber = 300;
const maxPercentage = 20_000;
const maxDescriptionLength = 256;
const alarmIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** How the times of a request are checked. */
interface Checks {
  readonly nowMs: number;
  /**
   * Whether a schedule must lie ahead of now (AS.3007, AS.3010, AS.3033): for a new policy, and
   * for an update that sets the schedule or the type. An update of other fields keeps a
   * schedule that has run its course.
   */
  readonly againstNow: boolean;
  /** The policy types a request may name. */
  readonly types: readonly PolicyType[];
}

const isAbsent = (value: unknown): value is undefined | null | '' =>
  value === undefined || value === null || value === '';

/** A refused value as the error factories show it: a string as it is, anything else as JSON. */
const display = (value: unknown): string => (typeof value === 'string' ? value : showValue(value));

/** `A, B or C`. */
const oneOf = (items: readonly string[]): string =>
  items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${String(items[items.length - 1])}`;

const isObject = (value: unknown): value is WireBody =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nowText = (nowMs: number): string => formatWireTime(Math.floor(nowMs / 1000));

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

/** A minute-precision time field, or undefined when absent; `invalid` when unreadable. */
function minuteTime(
  value: unknown,
  invalid: (shown: string) => ApiError,
): { text: string; ms: number } | undefined {
  if (isAbsent(value)) return undefined;
  const ms = typeof value === 'string' ? parseMinuteTime(value) : undefined;
  if (ms === undefined) throw invalid(display(value));
  return { text: value as string, ms };
}

function parseSchedule(
  body: WireBody,
  type: 'SCHEDULED' | 'RECURRENCE',
  checks: Checks,
): ScheduledPolicy {
  const sp = objectField(body, 'scheduled_policy', (v) =>
    apiErrors.badRequestBody(
      `scheduled_policy must be an object such as {"launch_time":"16:00","recurrence_type":"Daily","end_time":"2026-12-31T23:59Z"}, not ${showValue(v)}.`,
    ),
  );
  if (sp === undefined) throw apiErrors.scheduledPolicyNull(type);
  onlyFields(sp, scheduleFields, 'scheduled_policy');
  const launch = sp.launch_time;
  if (isAbsent(launch)) throw apiErrors.launchTimeNull();

  if (type === 'SCHEDULED') {
    const at = minuteTime(launch, (shown) =>
      apiErrors.launchTimeFormat(
        shown,
        'YYYY-MM-DDThh:mmZ (UTC, no seconds) such as 2026-12-01T08:00Z for a SCHEDULED policy',
      ),
    );
    // Not absent: checked above.
    if (at === undefined) throw apiErrors.launchTimeNull();
    if (checks.againstNow && at.ms <= checks.nowMs) {
      throw apiErrors.launchTimeNotFuture(at.text, nowText(checks.nowMs));
    }
    // Only launch_time describes a one-off launch; the recurrence fields are not kept.
    return { launchTime: at.text };
  }

  const minuteOfDay = typeof launch === 'string' ? parseLaunchMinute(launch) : undefined;
  if (minuteOfDay === undefined) {
    throw apiErrors.launchTimeFormat(
      display(launch),
      'hh:mm (UTC) such as 16:00 for a RECURRENCE policy',
    );
  }
  const launchTime = launch as string;
  const rt = sp.recurrence_type;
  if (isAbsent(rt)) throw apiErrors.recurrenceTypeNull();
  if (typeof rt !== 'string' || !(recurrenceTypes as readonly string[]).includes(rt)) {
    throw apiErrors.recurrenceTypeInvalid(display(rt));
  }
  const recurrenceType = rt as RecurrenceType;

  // Daily ignores recurrence_value (the cloud documents it as null for Daily).
  let recurrenceValue: string | undefined;
  let days: readonly number[] = [];
  if (recurrenceType !== 'Daily') {
    const rv = sp.recurrence_value;
    if (isAbsent(rv)) throw apiErrors.recurrenceValueNull(recurrenceType);
    const parsed = typeof rv === 'string' ? parseRecurrenceDays(recurrenceType, rv) : undefined;
    if (parsed === undefined) {
      throw apiErrors.recurrenceValueInvalid(
        display(rv),
        recurrenceType === 'Weekly'
          ? 'weekdays from 1 (Sunday) to 7 (Saturday), comma-separated without spaces or repeats, such as "1,3,5"'
          : 'days of the month from 1 to 31, comma-separated without spaces or repeats, such as "1,15,28"',
      );
    }
    recurrenceValue = rv as string;
    days = parsed;
  }

  // start_time defaults to now, kept so that it is returned (as Terraform fills it in).
  const start = minuteTime(sp.start_time, (shown) => apiErrors.startTimeFormat(shown)) ?? {
    text: formatMinuteTime(checks.nowMs),
    ms: parseMinuteTime(formatMinuteTime(checks.nowMs)) ?? checks.nowMs,
  };
  if (isAbsent(sp.end_time)) throw apiErrors.endTimeNull();
  const end = minuteTime(sp.end_time, (shown) => apiErrors.endTimeFormat(shown));
  if (end === undefined) throw apiErrors.endTimeNull();
  if (checks.againstNow && end.ms <= checks.nowMs) {
    throw apiErrors.endTimeNotFuture(end.text, nowText(checks.nowMs));
  }
  if (start.ms >= end.ms) throw apiErrors.startAfterEnd(start.text, end.text);
  if (checks.againstNow) {
    const from = Math.max(checks.nowMs, start.ms);
    const schedule = {
      kind: 'recurrence',
      recurrenceType,
      days,
      minuteOfDay,
      startAt: start.ms,
      endAt: end.ms,
    } as const;
    if (nextFireTime(schedule, from) === undefined) {
      const on =
        recurrenceType === 'Daily' ? '' : ` on ${recurrenceType} days ${String(recurrenceValue)}`;
      throw apiErrors.recurrenceWindowEmpty(
        `No launch at ${launchTime}${on} falls between ${nowText(from)} and end_time ${end.text}: move end_time later or change the days.`,
      );
    }
  }
  return {
    launchTime,
    recurrenceType,
    ...(recurrenceValue === undefined ? {} : { recurrenceValue }),
    startTime: start.text,
    endTime: end.text,
  };
}

const groupOperations: readonly OperationType[] = ['ADD', 'REMOVE', 'REDUCE', 'SET'];
const bandwidthOperations: readonly OperationType[] = ['ADD', 'REDUCE', 'SET'];

/**
 * One action: the policy's `scaling_policy_action` or an item of `interval_alarm_actions`.
 * The operation defaults to ADD and the amount to 1; a number and a percentage exclude each
 * other. Groups count instances (SET 0-300, otherwise 1-300) or percent (SET 0-20000,
 * otherwise 1-20000); bandwidths count Mbit/s (1-300) and never percent, and only their ADD
 * and REDUCE take `limits`, the size they stop at.
 */
function parseActionObject(
  action: WireBody,
  resourceType: ResourceType,
  dialect: Dialect,
): PolicyAction {
  const bandwidth = resourceType === 'BANDWIDTH';
  const operations = bandwidth ? bandwidthOperations : groupOperations;
  const op = action.operation;
  if (
    op !== undefined &&
    op !== null &&
    (typeof op !== 'string' || !(operations as readonly string[]).includes(op))
  ) {
    throw apiErrors.operationInvalid(
      display(op),
      `${oneOf(operations)}${bandwidth ? ' for a bandwidth policy' : ''}`,
    );
  }
  const operation: OperationType = (op ?? 'ADD') as OperationType;
  const { numberField, percentageField } = dialect;
  const hasNumber = action[numberField] !== undefined && action[numberField] !== null;
  const hasPercentage = action[percentageField] !== undefined && action[percentageField] !== null;
  if (hasNumber && hasPercentage) throw apiErrors.actionNotUnique(numberField, percentageField);

  let amount: { number: number } | { percentage: number } = { number: 1 };
  if (hasPercentage) {
    const value = action[percentageField];
    if (bandwidth) {
      throw apiErrors.percentageInvalid(
        percentageField,
        value,
        `no ${percentageField}: percentages are for scaling group policies only; a bandwidth policy gives ${numberField} in Mbit/s`,
      );
    }
    const min = operation === 'SET' ? 0 : 1;
    const percentage = integerField(action, percentageField, min, maxPercentage, (v) =>
      apiErrors.percentageInvalid(
        percentageField,
        v,
        `an integer from ${String(min)} to ${String(maxPercentage)} for ${operation}`,
      ),
    );
    if (percentage !== undefined) amount = { percentage };
  } else if (hasNumber) {
    const min = operation === 'SET' && !bandwidth ? 0 : 1;
    const number = integerField(action, numberField, min, maxActionNumber, (v) =>
      apiErrors.actionNumberInvalid(
        numberField,
        v,
        `an integer from ${String(min)} to ${String(maxActionNumber)} for ${operation}${bandwidth ? ' (Mbit/s)' : ' (instances)'}`,
      ),
    );
    if (number !== undefined) amount = { number };
  }

  const limitsValue = action.limits;
  let limits: number | undefined;
  if (limitsValue !== undefined && limitsValue !== null) {
    if (!bandwidth) {
      throw apiErrors.limitsInvalid(
        `Got limits ${showValue(limitsValue)}: limits applies to bandwidth policies only; a scaling group policy stays within the group's min and max instances.`,
      );
    }
    if (operation === 'SET') {
      throw apiErrors.limitsInvalid(
        `Got limits ${showValue(limitsValue)}: a SET goes straight to its size; limits applies to ADD (the size it stops at) and REDUCE (the size it stops at) only.`,
      );
    }
    limits = integerField(action, 'limits', minBandwidthSize, maxBandwidthSize, (v) =>
      apiErrors.limitsInvalid(
        `Got limits ${showValue(v)}: expected an integer from ${String(minBandwidthSize)} to ${String(maxBandwidthSize)} (Mbit/s), the size an ${operation} stops at.`,
      ),
    );
  }
  return { operation, ...amount, ...(limits === undefined ? {} : { limits }) };
}

function parseAction(value: unknown, resourceType: ResourceType, dialect: Dialect): PolicyAction {
  if (value === undefined || value === null) return { operation: 'ADD', number: 1 };
  if (!isObject(value)) throw apiErrors.policyActionNull();
  onlyFields(value, dialect.actionFields, 'scaling_policy_action');
  return parseActionObject(value, resourceType, dialect);
}

function parseIntervalActions(
  value: unknown,
  resourceType: ResourceType,
): IntervalAlarmAction[] | undefined {
  if (value === undefined || value === null) return undefined;
  const example = '{"operation":"ADD","size":1,"lower_bound":0,"upper_bound":10}';
  if (!Array.isArray(value)) {
    throw apiErrors.badRequestBody(
      `interval_alarm_actions must be an array of objects such as ${example}, not ${showValue(value)}.`,
    );
  }
  const actions = value.map((item: unknown, i): IntervalAlarmAction => {
    const where = `interval_alarm_actions[${String(i)}]`;
    if (!isObject(item)) {
      throw apiErrors.badRequestBody(
        `${where} must be an object such as ${example}, not ${showValue(item)}.`,
      );
    }
    onlyFields(item, [...v2.actionFields, ...boundFields], where);
    const bounds: { lowerBound?: number; upperBound?: number } = {};
    for (const field of boundFields) {
      const bound = item[field];
      if (bound === undefined || bound === null) continue;
      if (typeof bound !== 'number' || !Number.isFinite(bound)) {
        throw apiErrors.badRequestBody(
          `${where}.${field} must be a number (the metric value the interval starts or ends at), not ${showValue(bound)}.`,
        );
      }
      bounds[field === 'lower_bound' ? 'lowerBound' : 'upperBound'] = bound;
    }
    return { ...parseActionObject(item, resourceType, v2), ...bounds };
  });
  return actions.length === 0 ? undefined : actions;
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

/** The stored policy as a request body of `dialect`, for an update to merge into. */
function policyToBody(policy: ScalingPolicy, dialect: Dialect): Record<string, unknown> {
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

const createTime = (policy: ScalingPolicy): string =>
  formatWireTime(Math.floor(policy.createTime / 1000));

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
