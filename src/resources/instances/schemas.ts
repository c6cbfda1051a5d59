import {
  healthStatuses,
  lifeCycleStates,
  maxBatchInstances,
} from '../../domain/scaling-instance.js';
import { pagedList, projectAnd, pagingQuery } from '../../http/resource-schemas.js';
import { instanceActions } from './service.js';

/**
 * Wire schemas of the instance API: the list's query and answer, the remove's query, and the
 * batch action's body, which its error table in wire.ts reads.
 */

export const instanceBatchBody = {
  type: 'object',
  required: ['action', 'instances_id'],
  additionalProperties: false,
  properties: {
    action: {
      type: 'string',
      enum: [...instanceActions],
      description: 'Bad or missing: AS.4018.',
    },
    instances_id: {
      type: 'array',
      minItems: 1,
      maxItems: maxBatchInstances,
      items: { type: 'string', minLength: 1, maxLength: 64 },
      description: `1 to ${String(maxBatchInstances)} server ids. Missing or empty: AS.4019 (ADD), AS.4013 (REMOVE), AS.4032 (the others); more: AS.4043; an empty id: AS.4028.`,
    },
    instance_delete: {
      type: 'string',
      enum: ['yes', 'no'],
      default: 'no',
      description:
        'REMOVE: yes deletes the servers the group built (never those added by hand). Bad: AS.4007.',
    },
    instance_append: {
      type: 'string',
      enum: ['yes', 'no'],
      default: 'no',
      description:
        'ENTER_STANDBY: yes keeps the desired number, so new instances replace those put in standby.',
    },
  },
} as const;

const instance = {
  type: 'object',
  required: [
    'instance_id',
    'instance_name',
    'scaling_group_id',
    'scaling_group_name',
    'life_cycle_state',
    'health_status',
    'scaling_configuration_name',
    'scaling_configuration_id',
    'create_time',
    'protect_from_scaling_down',
  ],
  properties: {
    instance_id: { type: 'string' },
    instance_name: { type: 'string' },
    scaling_group_id: { type: 'string' },
    scaling_group_name: { type: 'string' },
    life_cycle_state: { type: 'string', enum: [...lifeCycleStates] },
    health_status: { type: 'string', enum: [...healthStatuses] },
    scaling_configuration_name: {
      type: ['string', 'null'],
      description: 'Null for an instance added by hand.',
    },
    scaling_configuration_id: {
      type: ['string', 'null'],
      description: 'Null for an instance added by hand.',
    },
    create_time: {
      type: 'string',
      description: 'When it joined the group: UTC yyyy-MM-ddThh:mm:ssZ.',
    },
    protect_from_scaling_down: { type: 'boolean' },
  },
} as const;

export const instanceSchemas = {
  groupParams: projectAnd('scaling_group_id', 'The scaling group. Unknown: 400 AS.4005.'),
  instanceParams: projectAnd('instance_id', 'The instance (server) id. Unknown: 400 AS.4006.'),
  batchBody: instanceBatchBody,
  list: pagedList('scaling_group_instances', instance),
  listQuery: {
    type: 'object',
    properties: {
      life_cycle_state: {
        type: 'string',
        enum: [...lifeCycleStates],
        description: 'Bad value: AS.4003.',
      },
      health_status: {
        type: 'string',
        enum: [...healthStatuses],
        description: 'Bad value: AS.4004.',
      },
      protect_from_scaling_down: {
        type: 'string',
        enum: ['true', 'false'],
        description: 'Bad value: AS.0022.',
      },
      start_number: { ...pagingQuery.start_number, description: 'Bad value: AS.4000.' },
      limit: { ...pagingQuery.limit, description: 'Items per page, 0 to 100. Bad value: AS.4001.' },
    },
  },
  removeQuery: {
    type: 'object',
    properties: {
      instance_delete: {
        type: 'string',
        enum: ['yes', 'no'],
        default: 'no',
        description: 'yes deletes the server too, unless it was added by hand. Bad: AS.4007.',
      },
    },
  },
} as const;
