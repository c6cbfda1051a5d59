import { maxBandwidthSize, minBandwidthSize } from '../../domain/bandwidth.js';
import { operationTypes, resourceTypes } from '../../domain/execution-log.js';
import { plainIdPattern, uuidLikePattern } from '../../domain/ids.js';
import { recurrenceTypes } from '../../domain/recurrence.js';
import {
  defaultPolicyCoolDownSeconds,
  maxPolicyCoolDownSeconds,
  maxPolicyNameLength,
  policyNamePattern,
  policyTypes,
} from '../../domain/scaling-policy.js';

/**
 * The request bodies of the policy APIs: each schema types its handler's value, describes the
 * operation in the OpenAPI document and validates the body, with the error tables of
 * parse.ts, action-parse.ts and schedule-parse.ts. The bodies of the policy actions are in
 * policy-action-schemas.ts.
 *
 * A trigger field the policy type does not use is ignored, whatever its value, as the cloud
 * documents: `alarm_id` of a scheduled policy, `scheduled_policy` of an alarm policy,
 * `interval_alarm_actions` of any but an INTERVAL_ALARM policy. So these fields take any
 * value at the top of a body, and their schemas apply under the type that uses them (the
 * `if`/`then` of each body).
 */

/** Any JSON value but null, which counts as absent in a field. */
const anyValue = ['object', 'array', 'string', 'number', 'boolean'] as const;
/** Any JSON value, as an array's item. */
const anyItem = [...anyValue, 'null'] as const;

/** `YYYY-MM-DDThh:mmZ`, UTC to the minute; the date must exist (the tables check it). */
const minuteTimePattern = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}Z$';
/** `hh:mm` from 00:00 to 23:59. */
const dayMinutePattern = '^(?:[01]\\d|2[0-3]):[0-5]\\d$';
const weekday = '[1-7]';
const monthDay = '(?:[1-9]|[12]\\d|3[01])';
/** Comma-separated days without spaces or leading zeros; no repeats (the tables check it). */
const dayList = (day: string): string => `^${day}(?:,${day})*$`;

export const maxActionNumber = 300;
export const maxActionPercentage = 20_000;
export const maxDescriptionLength = 256;

const name = {
  type: 'string',
  minLength: 1,
  maxLength: maxPolicyNameLength,
  pattern: policyNamePattern.source,
  description:
    '1-64 letters, digits, _, - or Chinese characters. Missing or empty: AS.3013; too long: AS.3014; other characters: AS.3031.',
} as const;

const policyType = (types: readonly string[]) =>
  ({
    type: 'string',
    enum: types,
    description: 'Missing: AS.3011; other values: AS.3002.',
  }) as const;

const alarmId = {
  type: 'string',
  pattern: plainIdPattern.source,
  description: '1-64 letters, digits, _ or - (AS.3050).',
} as const;

const coolDown = {
  type: 'integer',
  minimum: 0,
  maximum: maxPolicyCoolDownSeconds,
  default: defaultPolicyCoolDownSeconds,
  description: 'Seconds, 0-86400 (AS.3012).',
} as const;

/** A SCHEDULED policy's schedule: its one launch; the recurrence fields are ignored. */
export const onceSchedule = {
  type: 'object',
  additionalProperties: false,
  required: ['launch_time'],
  properties: {
    launch_time: {
      type: 'string',
      pattern: minuteTimePattern,
      description:
        'UTC YYYY-MM-DDThh:mmZ, ahead of now. Missing: AS.3008; otherwise AS.3009, AS.3010.',
    },
    recurrence_type: {},
    recurrence_value: {},
    start_time: {},
    end_time: {},
  },
} as const;

/** A RECURRENCE policy's schedule. */
export const recurrenceSchedule = {
  type: 'object',
  additionalProperties: false,
  required: ['launch_time', 'recurrence_type', 'end_time'],
  properties: {
    launch_time: {
      type: 'string',
      pattern: dayMinutePattern,
      description: 'UTC hh:mm. Missing: AS.3008; otherwise AS.3009.',
    },
    recurrence_type: {
      type: 'string',
      enum: recurrenceTypes,
      description: 'Missing: AS.3023; other values: AS.3004.',
    },
    recurrence_value: {
      description:
        'Weekly: days 1 (Sunday) to 7; Monthly: days 1 to 31; comma-separated, no repeats. Missing: AS.3024; otherwise AS.3025. Ignored for Daily.',
    },
    start_time: {
      type: 'string',
      anyOf: [{ pattern: minuteTimePattern }, { maxLength: 0 }],
      description: 'UTC YYYY-MM-DDThh:mmZ (AS.3028); absent or empty: the creation time.',
    },
    end_time: {
      type: 'string',
      pattern: minuteTimePattern,
      description:
        'UTC YYYY-MM-DDThh:mmZ, ahead of now and of start_time. Missing: AS.3005; otherwise AS.3006, AS.3007, AS.3029; no launch before it: AS.3033.',
    },
  },
  if: { required: ['recurrence_type'], properties: { recurrence_type: { const: 'Weekly' } } },
  then: {
    required: ['recurrence_value'],
    properties: { recurrence_value: { type: 'string', pattern: dayList(weekday) } },
  },
  else: {
    if: { required: ['recurrence_type'], properties: { recurrence_type: { const: 'Monthly' } } },
    then: {
      required: ['recurrence_value'],
      properties: { recurrence_value: { type: 'string', pattern: dayList(monthDay) } },
    },
  },
} as const;

const scheduledPolicy = {
  title: 'ScheduledPolicyOption',
  type: anyValue,
  description:
    'Required for SCHEDULED and RECURRENCE (AS.3003), ignored for alarm policies. SCHEDULED: launch_time only, the other fields ignored. RECURRENCE: launch_time, recurrence_type, recurrence_value (Weekly, Monthly), start_time, end_time.',
  properties: {
    launch_time: { description: 'SCHEDULED: YYYY-MM-DDThh:mmZ; RECURRENCE: hh:mm. UTC.' },
    recurrence_type: { description: 'Daily, Weekly or Monthly.' },
    recurrence_value: recurrenceSchedule.properties.recurrence_value,
    start_time: { description: recurrenceSchedule.properties.start_time.description },
    end_time: { description: recurrenceSchedule.properties.end_time.description },
  },
} as const;

const numberDescription =
  'SET 0-300, otherwise 1-300 (AS.3018); a bandwidth counts Mbit/s, 1-300. Default 1.';
const percentageDescription =
  'Groups only: SET 0-20000, otherwise 1-20000 (AS.3035). Not with the number (AS.3036).';

/** A v1 action's operation, as requests send it and answers show it. */
export const v1Operation = {
  type: 'string',
  enum: ['ADD', 'REMOVE', 'REDUCE', 'SET'],
  default: 'ADD',
  description: 'Default ADD (AS.3017 for another value).',
} as const;

export const v1Action = {
  title: 'ScalingPolicyActionV1Option',
  type: 'object',
  additionalProperties: false,
  description:
    'Default {"operation":"ADD","instance_number":1}; not an object: AS.3015. Replaced whole by an update.',
  properties: {
    operation: v1Operation,
    instance_number: {
      type: 'integer',
      minimum: 0,
      maximum: maxActionNumber,
      description: `Instances: ${numberDescription}`,
    },
    instance_percentage: {
      type: 'integer',
      minimum: 0,
      maximum: maxActionPercentage,
      description: `Percent of the desired number. ${percentageDescription}`,
    },
  },
} as const;

const v2ActionProperties = {
  operation: {
    type: 'string',
    enum: operationTypes,
    description:
      'Groups: ADD, REMOVE, REDUCE, SET; bandwidths: ADD, REDUCE, SET (AS.3017). Default ADD.',
  },
  size: {
    type: 'integer',
    minimum: 0,
    maximum: maxActionNumber,
    description: `Groups: instances; bandwidths: Mbit/s. ${numberDescription}`,
  },
  percentage: {
    type: 'integer',
    minimum: 0,
    maximum: maxActionPercentage,
    description: percentageDescription,
  },
  limits: {
    type: 'integer',
    minimum: minBandwidthSize,
    maximum: maxBandwidthSize,
    description: 'Bandwidth ADD or REDUCE only: the size in Mbit/s (1-2000) it stops at (AS.3043).',
  },
} as const;

export const v2Action = {
  title: 'ScalingPolicyActionV2Option',
  type: 'object',
  additionalProperties: false,
  description:
    'Default {"operation":"ADD","size":1}; not an object: AS.3015. Replaced whole by an update.',
  properties: {
    ...v2ActionProperties,
    operation: { ...v2ActionProperties.operation, default: 'ADD' },
  },
} as const;

const bound = (description: string) => ({ type: 'number', description }) as const;

/** `interval_alarm_actions` of an INTERVAL_ALARM policy. */
export const intervalAlarmActions = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...v2ActionProperties,
      lower_bound: bound('The metric value the interval starts at.'),
      upper_bound: bound('The metric value the interval ends at.'),
    },
  },
} as const;

const intervalAlarmActionsField = {
  type: anyValue,
  description:
    'INTERVAL_ALARM only, an array of actions with lower_bound and upper_bound: kept and returned. Scalelog sees no metric values, so the policy executes its scaling_policy_action. Ignored for other types.',
  items: {
    type: anyItem,
    properties: {
      operation: {},
      size: {},
      percentage: {},
      limits: {},
      lower_bound: {},
      upper_bound: {},
    },
  },
} as const;

const alarmTypes = ['ALARM', 'INTERVAL_ALARM'] as const;
const isType = (types: readonly string[]) =>
  ({
    required: ['scaling_policy_type'],
    properties: { scaling_policy_type: { enum: types } },
  }) as const;

/** The trigger the type needs: alarm_id, or the schedule of its kind. */
const triggers = {
  if: isType(alarmTypes),
  then: { required: ['alarm_id'], properties: { alarm_id: alarmId } },
  else: {
    if: isType(['SCHEDULED']),
    then: { required: ['scheduled_policy'], properties: { scheduled_policy: onceSchedule } },
    else: {
      if: isType(['RECURRENCE']),
      then: {
        required: ['scheduled_policy'],
        properties: { scheduled_policy: recurrenceSchedule },
      },
    },
  },
} as const;

const v1Properties = {
  scaling_policy_name: name,
  scaling_policy_type: policyType(['ALARM', 'SCHEDULED', 'RECURRENCE']),
  alarm_id: {
    description:
      'Required for ALARM (AS.3026): 1-64 letters, digits, _ or - (AS.3050). Ignored for scheduled policies.',
  },
  scheduled_policy: scheduledPolicy,
  scaling_policy_action: v1Action,
  cool_down_time: coolDown,
} as const;

/** `POST /autoscaling-api/v1/{project_id}/scaling_policy`. */
export const v1CreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['scaling_group_id', 'scaling_policy_name', 'scaling_policy_type'],
  properties: {
    scaling_group_id: {
      type: 'string',
      minLength: 1,
      description: 'A scaling group of the project. Missing or empty: AS.3019; unknown: AS.2007.',
    },
    ...v1Properties,
  },
  ...triggers,
} as const;

/**
 * `PUT /autoscaling-api/v1/{project_id}/scaling_policy/{id}`: every field optional. The schema
 * applies to the policy the update gives, the stored one with the fields sent.
 */
export const v1UpdateBody = {
  type: 'object',
  additionalProperties: false,
  properties: v1Properties,
  ...triggers,
} as const;

const v2Properties = {
  scaling_policy_name: name,
  scaling_resource_id: {
    type: 'string',
    pattern: uuidLikePattern.source,
    description:
      'A scaling group or bandwidth of the project. Missing: AS.3041; not a UUID: AS.3055; unknown: AS.3042.',
  },
  scaling_resource_type: {
    type: 'string',
    enum: resourceTypes,
    description: 'Missing: AS.3054; other values: AS.3037.',
  },
  scaling_policy_type: policyType(policyTypes),
  alarm_id: {
    description:
      'Required for ALARM and INTERVAL_ALARM (AS.3026): 1-64 letters, digits, _ or - (AS.3050). Ignored for scheduled policies.',
  },
  scheduled_policy: scheduledPolicy,
  scaling_policy_action: v2Action,
  interval_alarm_actions: intervalAlarmActionsField,
  cool_down_time: coolDown,
  description: {
    type: 'string',
    maxLength: maxDescriptionLength,
    description: 'At most 256 characters; empty: none.',
  },
} as const;

/** The v2 triggers, and the interval actions of an INTERVAL_ALARM policy. */
const v2Triggers = {
  ...triggers,
  then: {
    ...triggers.then,
    if: isType(['INTERVAL_ALARM']),
    then: { properties: { interval_alarm_actions: intervalAlarmActions } },
  },
} as const;

/** `POST /autoscaling-api/v2/{project_id}/scaling_policy`. */
export const v2CreateBody = {
  type: 'object',
  additionalProperties: false,
  required: [
    'scaling_policy_name',
    'scaling_resource_id',
    'scaling_resource_type',
    'scaling_policy_type',
  ],
  properties: v2Properties,
  ...v2Triggers,
} as const;

/**
 * `PUT /autoscaling-api/v2/{project_id}/scaling_policy/{id}`: every field optional. The schema
 * applies to the policy the update gives, the stored one with the fields sent.
 */
export const v2UpdateBody = {
  type: 'object',
  additionalProperties: false,
  properties: v2Properties,
  ...v2Triggers,
} as const;
