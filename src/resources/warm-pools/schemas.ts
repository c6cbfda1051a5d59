import { maxInstanceInitWaitSeconds, pooledInstanceStatuses } from '../../domain/warm-pool.js';
import { projectAnd } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the warm pool API (old and new paths alike): the put's body, which its
 * error table in wire.ts reads, the show's answer, and the instance list's query and answer.
 */

/** The largest value of the cloud's int32 fields. */
const int32 = 2_147_483_647;

export const putWarmPoolBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    min_capacity: {
      type: 'integer',
      minimum: 0,
      maximum: int32,
      description:
        "The pool's size. Given with max_capacity and equal to it, at most the group's max_instance_number; both absent: the group's maximum less its desired number. Bad: AS.0022.",
    },
    max_capacity: {
      type: 'integer',
      minimum: 0,
      maximum: int32,
      description: 'Equal to min_capacity, or absent with it. Bad: AS.0022.',
    },
    instance_init_wait_time: {
      type: 'integer',
      minimum: 0,
      maximum: maxInstanceInitWaitSeconds,
      description: `Seconds a pool instance waits once built before it is READY, 0 to ${String(maxInstanceInitWaitSeconds)} (default 0). Bad: AS.0022.`,
    },
  },
} as const;

const warmPoolInfo = {
  type: 'object',
  required: ['min_capacity', 'max_capacity', 'instance_init_wait_time', 'status'],
  properties: {
    min_capacity: { type: 'integer', description: 'The size the pool keeps now.' },
    max_capacity: { type: 'integer', description: 'The size the pool keeps now.' },
    instance_init_wait_time: { type: 'integer' },
    status: { type: 'string', enum: ['ACTIVE'] },
  },
} as const;

const warmPoolInstance = {
  type: 'object',
  required: ['id', 'instance_id', 'name', 'status'],
  properties: {
    id: { type: 'string', description: "The pool instance's id." },
    instance_id: { type: 'string', description: 'Its server id (the instance id in the group).' },
    name: { type: 'string' },
    status: { type: 'string', enum: [...pooledInstanceStatuses] },
  },
} as const;

export const warmPoolSchemas = {
  groupParams: projectAnd('scaling_group_id', 'The scaling group. Unknown: 400 AS.2007.'),
  putBody: putWarmPoolBody,
  show: {
    type: 'object',
    properties: { warm_pool: warmPoolInfo },
    description: 'Without warm_pool when the group has no pool.',
  },
  listQuery: {
    type: 'object',
    properties: {
      limit: {
        type: 'integer',
        minimum: 0,
        maximum: 100,
        default: 20,
        description: 'Items per page, 0 to 100. Bad value: AS.0022.',
      },
      marker: {
        type: 'string',
        description: "A pool instance's id: the page starts after it. Unknown: AS.0022.",
      },
    },
  },
  list: {
    type: 'object',
    required: ['page_info', 'warm_pool_instances'],
    properties: {
      page_info: {
        type: 'object',
        properties: {
          next_marker: { type: 'string', description: 'Only when another page follows.' },
        },
      },
      warm_pool_instances: { type: 'array', items: warmPoolInstance },
    },
  },
} as const;
