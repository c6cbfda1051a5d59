import { uuidLikePattern } from '../../domain/ids.js';
import { activityStatuses, activityTypes } from '../../domain/scaling-activity.js';
import { pagedList, projectAnd } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the scaling activity log queries, v1 and v2. Names and types are the SDK's
 * (`ListScalingActivityLogsResponse` with `ScalingActivityLogList`,
 * `ListScalingActivityV2LogsResponse` with `ScalingActivityLogV2`, `ScalingInstance`,
 * `ModifyLb`); the query parameters are the API reference's ("Querying Scaling Action Logs"
 * and its V2). The routes read the query themselves (wire.ts) and write the answers with
 * the keys in the order of the reference's examples; these schemas document.
 */

const integer = { type: 'integer' } as const;
const text = { type: 'string' } as const;
const wireTime = {
  type: 'string',
  description: 'UTC, yyyy-MM-ddThh:mm:ssZ.',
  example: '2019-03-18T16:00:11Z',
} as const;
const status = { type: 'string', enum: [...activityStatuses] } as const;

/** v1: the instances' names, separated by commas; `null` when there are none. */
const nameList = (what: string) =>
  ({
    type: ['string', 'null'],
    description: `The names of the instances ${what}, separated by commas; null when none.`,
  }) as const;

const v1Item = {
  title: 'ScalingActivityLogList',
  type: 'object',
  properties: {
    id: text,
    instance_value: { ...integer, description: "The group's instances when it started." },
    desire_value: { ...integer, description: 'The desired number it works toward.' },
    scaling_value: { ...integer, description: 'How many instances it adds or removes.' },
    start_time: wireTime,
    end_time: { ...wireTime, type: ['string', 'null'], description: 'null while DOING.' },
    instance_added_list: nameList('added'),
    instance_deleted_list: nameList('removed and deleted'),
    instance_removed_list: nameList('removed'),
    status,
    description: {
      ...text,
      description: 'A JSON text: {"reason":[{change_reason, old_value, new_value, ...}]}.',
    },
  },
} as const;

const scalingInstance = {
  title: 'ScalingInstance',
  type: 'object',
  required: ['instance_id', 'instance_name'],
  properties: {
    instance_id: text,
    instance_name: text,
    instance_config: {
      ...text,
      description: 'The scaling configuration the instance was built from, when known.',
    },
    failed_reason: { ...text, description: 'In instance_failed_list only.' },
    failed_details: { ...text, description: 'In instance_failed_list only, when known.' },
  },
} as const;

const instanceList = (what: string) =>
  ({ type: 'array', items: scalingInstance, description: `The instances ${what}.` }) as const;

const modifyLb = {
  title: 'ModifyLb',
  type: 'object',
  properties: {
    lbaas_listener: {
      type: 'object',
      properties: { listener_id: text, pool_id: text, protocol_port: integer, weight: integer },
    },
    listener: text,
    failed_reason: text,
    failed_details: text,
  },
} as const;

const lbList = {
  type: 'array',
  items: modifyLb,
  maxItems: 0,
  description: 'Always empty: Scalelog has no load balancers.',
} as const;

const v2Item = {
  title: 'ScalingActivityLogV2',
  type: 'object',
  properties: {
    id: text,
    instance_value: v1Item.properties.instance_value,
    desire_value: v1Item.properties.desire_value,
    scaling_value: v1Item.properties.scaling_value,
    start_time: wireTime,
    end_time: { ...wireTime, description: 'Absent while DOING.' },
    instance_added_list: instanceList('added'),
    instance_deleted_list: instanceList('removed and deleted'),
    instance_removed_list: instanceList('removed'),
    instance_failed_list: instanceList('the activity failed to add or remove'),
    instance_standby_list: instanceList('put into or taken out of standby'),
    status,
    description: v1Item.properties.description,
    lb_bind_success_list: lbList,
    lb_bind_failed_list: lbList,
    lb_unbind_success_list: lbList,
    lb_unbind_failed_list: lbList,
    type: { type: 'string', enum: [...activityTypes] },
  },
} as const;

const paging = {
  start_number: {
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'Items to skip. Bad value: 400 AS.4010.',
  },
  limit: {
    type: 'integer',
    minimum: 0,
    maximum: 100,
    default: 20,
    description: 'Items per page, 0 to 100. Bad value: 400 AS.4011.',
  },
} as const;

const times = {
  start_time: {
    ...wireTime,
    description: 'Activities that started at or after this. Bad value: 400 AS.4008.',
  },
  end_time: {
    ...wireTime,
    description:
      'Activities that started at or before this second. Bad value, or earlier than start_time: 400 AS.4009.',
  },
} as const;

export const activitySchemas = {
  params: projectAnd('scaling_group_id', 'The scaling group id.'),
  v1Query: { type: 'object', properties: { ...times, ...paging } },
  v2Query: {
    type: 'object',
    properties: {
      log_id: {
        type: 'string',
        pattern: uuidLikePattern.source,
        description: 'One activity by its id. Bad value: 400 AS.4012.',
      },
      ...times,
      ...paging,
      type: {
        type: 'string',
        description: `Types separated by commas: ${activityTypes.join(', ')}. Bad value: 400 AS.0022.`,
      },
      status: { ...status, description: 'The status now. Bad value: 400 AS.0022.' },
    },
  },
  v1Page: pagedList('scaling_activity_log', v1Item),
  v2Page: pagedList('scaling_activity_log', v2Item),
} as const;
