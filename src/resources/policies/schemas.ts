import { operationTypes, resourceTypes } from '../../domain/execution-log.js';
import { recurrenceTypes } from '../../domain/recurrence.js';
import { policyTypes } from '../../domain/scaling-policy.js';
import {
  engineErrorResponses,
  idReply,
  pagedList,
  pagingQuery,
  projectAnd,
} from '../../http/resource-schemas.js';
import { actionBody, batchBody } from './policy-action-schemas.js';
import {
  v1CreateBody,
  v1Operation,
  v1UpdateBody,
  v2CreateBody,
  v2UpdateBody,
} from './request-schemas.js';

/**
 * Wire schemas of the v1 and v2 scaling policy APIs: the answers, which they serialize (fields
 * that are not `required` are omitted when absent, never written as `null`), the queries, which
 * they document (the handlers check them), and the request bodies of request-schemas.ts.
 */

const text = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const minuteTime = {
  type: 'string',
  description: 'UTC YYYY-MM-DDThh:mmZ (no seconds).',
} as const;

const policyStatus = {
  type: 'string',
  enum: ['INSERVICE', 'PAUSED', 'EXECUTING'],
  description: 'EXECUTING while an execution of the policy is under way.',
} as const;

const scheduledPolicy = {
  title: 'ScheduledPolicy',
  type: 'object',
  description:
    'SCHEDULED: launch_time only. RECURRENCE: launch_time, recurrence_type, recurrence_value (Weekly, Monthly), start_time, end_time. Absent for alarm policies.',
  properties: {
    launch_time: {
      type: 'string',
      description: 'SCHEDULED: YYYY-MM-DDThh:mmZ; RECURRENCE: hh:mm. UTC.',
    },
    recurrence_type: { type: 'string', enum: [...recurrenceTypes] },
    recurrence_value: {
      type: 'string',
      description:
        'Weekly: days 1 (Sunday) to 7, comma-separated; Monthly: days 1 to 31. Ignored for Daily.',
    },
    start_time: {
      ...minuteTime,
      description: 'UTC YYYY-MM-DDThh:mmZ; defaults to the creation time.',
    },
    end_time: minuteTime,
  },
} as const;

const v1Action = {
  title: 'ScalingPolicyActionV1',
  type: 'object',
  properties: {
    operation: v1Operation,
    instance_number: {
      type: 'integer',
      description: 'Instances: SET 0-300, otherwise 1-300 (AS.3018). Default 1.',
    },
    instance_percentage: {
      type: 'integer',
      description:
        'Percent of the desired number: SET 0-20000, otherwise 1-20000 (AS.3035). Not with instance_number (AS.3036).',
    },
  },
} as const;

const v2ActionProperties = {
  operation: {
    type: 'string',
    enum: [...operationTypes],
    default: 'ADD',
    description:
      'Groups: ADD, REMOVE, REDUCE, SET; bandwidths: ADD, REDUCE, SET (AS.3017). Default ADD.',
  },
  size: {
    type: 'integer',
    description:
      'Groups: instances, SET 0-300, otherwise 1-300; bandwidths: Mbit/s 1-300 (AS.3018). Default 1.',
  },
  percentage: {
    type: 'integer',
    description: 'Groups only: SET 0-20000, otherwise 1-20000 (AS.3035). Not with size (AS.3036).',
  },
  limits: {
    type: 'integer',
    description: 'Bandwidth ADD or REDUCE only: the size in Mbit/s (1-2000) it stops at (AS.3043).',
  },
} as const;

const v2Action = {
  title: 'ScalingPolicyActionV2',
  type: 'object',
  properties: v2ActionProperties,
} as const;

const intervalAlarmAction = {
  title: 'IntervalAlarmActionsV2',
  type: 'object',
  properties: {
    ...v2ActionProperties,
    lower_bound: { type: 'number' },
    upper_bound: { type: 'number' },
  },
} as const;

const intervalAlarmActions = {
  type: 'array',
  items: intervalAlarmAction,
  description:
    'INTERVAL_ALARM only: kept and returned. Scalelog sees no metric values, so the policy executes its scaling_policy_action.',
} as const;

const v1Policy = {
  title: 'ScalingV1PolicyDetail',
  type: 'object',
  required: [
    'scaling_group_id',
    'scaling_policy_name',
    'scaling_policy_id',
    'policy_status',
    'scaling_policy_type',
    'scaling_policy_action',
    'cool_down_time',
    'create_time',
  ],
  properties: {
    scaling_group_id: text,
    scaling_policy_name: text,
    scaling_policy_id: text,
    policy_status: policyStatus,
    scaling_policy_type: { type: 'string', enum: [...policyTypes] },
    alarm_id: { type: 'string', description: 'Alarm policies only.' },
    scheduled_policy: scheduledPolicy,
    scaling_policy_action: v1Action,
    cool_down_time: integer,
    create_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
  },
} as const;

const metaData = {
  title: 'ScalingPolicyV2MetaData',
  type: 'object',
  description:
    'Bandwidth policies only, from the bandwidth. Spelled metadata_eip_address here; the execute log spells it metadataeip_address.',
  properties: {
    metadata_bandwidth_share_type: { type: 'string', enum: ['PER', 'WHOLE'] },
    metadata_eip_id: text,
    metadata_eip_address: text,
  },
} as const;

const v2Policy = {
  title: 'ScalingV2PolicyDetail',
  type: 'object',
  required: [
    'scaling_policy_name',
    'scaling_policy_id',
    'scaling_resource_id',
    'scaling_resource_type',
    'policy_status',
    'scaling_policy_type',
    'scaling_policy_action',
    'cool_down_time',
    'create_time',
  ],
  properties: {
    scaling_policy_name: text,
    scaling_policy_id: text,
    scaling_resource_id: text,
    scaling_resource_type: { type: 'string', enum: [...resourceTypes] },
    policy_status: policyStatus,
    scaling_policy_type: { type: 'string', enum: [...policyTypes] },
    alarm_id: { type: 'string', description: 'Alarm policies only.' },
    scheduled_policy: scheduledPolicy,
    scaling_policy_action: v2Action,
    interval_alarm_actions: intervalAlarmActions,
    cool_down_time: integer,
    create_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    description: text,
    meta_data: metaData,
  },
} as const;

const v2ListQueryBase = {
  scaling_policy_name: {
    type: 'string',
    description: 'Policies whose name contains this (case counts).',
  },
  scaling_policy_type: {
    type: 'string',
    enum: [...policyTypes],
    description: 'Other values: AS.3002.',
  },
  scaling_policy_id: text,
  ...pagingQuery,
} as const;

export const policySchemas = {
  policyParams: projectAnd('scaling_policy_id', 'Scaling policy id. Unknown: 404 AS.3020.'),
  groupParams: projectAnd('scaling_group_id', 'Scaling group id. Unknown: 400 AS.2007.'),
  resourceParams: projectAnd(
    'scaling_resource_id',
    'Scaling group or bandwidth id. Unknown: 400 AS.3042.',
  ),
  v1CreateBody,
  v1UpdateBody,
  v2CreateBody,
  v2UpdateBody,
  policyIdReply: idReply('scaling_policy_id', 'The policy id.'),
  v1Show: {
    type: 'object',
    required: ['scaling_policy'],
    properties: { scaling_policy: v1Policy },
  },
  v2Show: {
    type: 'object',
    required: ['scaling_policy'],
    properties: { scaling_policy: v2Policy },
  },
  v1List: pagedList('scaling_policies', v1Policy),
  v2List: pagedList('scaling_policies', v2Policy),
  v1ListQuery: { type: 'object', properties: v2ListQueryBase },
  v2ResourceListQuery: { type: 'object', properties: v2ListQueryBase },
  v2ListQuery: {
    type: 'object',
    properties: {
      scaling_resource_id: text,
      scaling_resource_type: {
        type: 'string',
        enum: [...resourceTypes],
        description: 'Other values: AS.0022.',
      },
      alarm_id: text,
      enterprise_project_id: {
        type: 'string',
        description: 'Accepted and ignored: Scalelog has no enterprise projects.',
      },
      sort_by: {
        type: 'string',
        enum: ['POLICY_NAME', 'TRIGGER_CONDITION', 'CREATE_TIME'],
        default: 'CREATE_TIME',
        description: 'Other values: AS.3057.',
      },
      order: {
        type: 'string',
        enum: ['ASC', 'DESC'],
        default: 'DESC',
        description: 'Other values: AS.3058.',
      },
      ...v2ListQueryBase,
    },
  },
  actionBody,
  batchBody,
} as const;

/** The OpenAPI tag of every policy route. */
export const policyTags = ['scaling policies'];

/** The error answers of the policy routes: with a body or not, naming a policy or not. */
export const policyErrors = {
  body: engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  policyBody: engineErrorResponses([400, 401, 403, 404, 406, 413, 415, 500, 503]),
  read: engineErrorResponses([400, 401, 403, 406, 500, 503]),
  policyRead: engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
};
