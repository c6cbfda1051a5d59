import { groupStatuses } from '../../domain/scaling-group.js';
import { idReply, pagingFields, pagingQuery, projectAnd } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the v1 scaling group API. They document (bodies are checked by the
 * handlers, which answer each field with its code) and serialize: fields that the client's
 * request carried through unchanged are typed loosely, so they come back as they were sent.
 */

const anything = {} as const;
const integer = { type: 'integer' } as const;
const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;

const scalingGroup = {
  title: 'ScalingGroups',
  type: 'object',
  properties: {
    scaling_group_name: text,
    scaling_group_id: text,
    scaling_group_status: { type: 'string', enum: [...groupStatuses] },
    scaling_configuration_id: nullableText,
    scaling_configuration_name: nullableText,
    current_instance_number: {
      type: 'integer',
      description: 'Follows desire_instance_number after instanceSettleMs.',
    },
    desire_instance_number: integer,
    min_instance_number: integer,
    max_instance_number: integer,
    cool_down_time: {
      type: 'integer',
      description: 'Seconds; holds back alarm-triggered executions.',
    },
    lb_listener_id: nullableText,
    lbaas_listeners: anything,
    available_zones: anything,
    networks: anything,
    security_groups: anything,
    create_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    vpc_id: nullableText,
    detail: nullableText,
    is_scaling: {
      type: 'boolean',
      description: 'True while the instances follow a new desired number.',
    },
    health_periodic_audit_method: text,
    health_periodic_audit_time: integer,
    health_periodic_audit_grace_period: integer,
    instance_terminate_policy: text,
    notifications: anything,
    delete_publicip: { type: 'boolean' },
    delete_volume: { type: 'boolean' },
    enterprise_project_id: text,
    multi_az_priority_policy: text,
    iam_agency_name: nullableText,
    description: nullableText,
    tags: anything,
  },
} as const;

const groupBody = (required: readonly string[]) =>
  ({
    type: 'object',
    required,
    properties: {
      scaling_group_name: { type: 'string', description: '1-64 letters, digits, _ or -.' },
      scaling_configuration_id: text,
      desire_instance_number: { type: 'integer', minimum: 0, maximum: 300 },
      min_instance_number: { type: 'integer', minimum: 0, maximum: 300 },
      max_instance_number: { type: 'integer', minimum: 0, maximum: 300 },
      cool_down_time: { type: 'integer', minimum: 0, maximum: 86_400, default: 300 },
      vpc_id: text,
      networks: { type: 'array', items: { type: 'object' }, minItems: 1, maxItems: 5 },
      security_groups: { type: 'array', items: { type: 'object' }, maxItems: 1 },
      lb_listener_id: text,
      lbaas_listeners: { type: 'array', items: { type: 'object' } },
      available_zones: { type: 'array', items: text },
      health_periodic_audit_method: { type: 'string', enum: ['ELB_AUDIT', 'NOVA_AUDIT'] },
      health_periodic_audit_time: { type: 'integer', enum: [0, 1, 5, 15, 60, 180] },
      health_periodic_audit_grace_period: { type: 'integer', minimum: 0, maximum: 86_400 },
      instance_terminate_policy: text,
      notifications: { type: 'array', items: text },
      delete_publicip: { type: 'boolean' },
      delete_volume: { type: 'boolean' },
      enterprise_project_id: text,
      multi_az_priority_policy: { type: 'string', enum: ['EQUILIBRIUM_DISTRIBUTE', 'PICK_FIRST'] },
      iam_agency_name: text,
      description: text,
      tags: { type: 'array', items: { type: 'object' } },
    },
  }) as const;

export const groupSchemas = {
  groupParams: projectAnd('scaling_group_id', 'Scaling group id. Unknown: 400 AS.2007.'),
  groupCreateBody: groupBody(['scaling_group_name', 'vpc_id', 'networks']),
  groupUpdateBody: groupBody([]),
  groupIdReply: idReply('scaling_group_id', 'The group id.'),
  groupShow: {
    type: 'object',
    required: ['scaling_group'],
    properties: { scaling_group: scalingGroup },
  },
  groupList: {
    type: 'object',
    required: ['total_number', 'start_number', 'limit', 'scaling_groups'],
    properties: { ...pagingFields, scaling_groups: { type: 'array', items: scalingGroup } },
  },
  groupListQuery: {
    type: 'object',
    properties: {
      scaling_group_name: text,
      scaling_configuration_id: text,
      scaling_group_status: { type: 'string', enum: [...groupStatuses] },
      enterprise_project_id: text,
      ...pagingQuery,
    },
  },
  forceDeleteQuery: {
    type: 'object',
    properties: { force_delete: { type: 'string', enum: ['yes', 'no'], default: 'no' } },
  },
  groupActionBody: {
    type: 'object',
    required: ['action'],
    properties: { action: { type: 'string', enum: ['resume', 'pause'] } },
  },
} as const;
