import {
  defaultGroupCoolDownSeconds,
  groupStatuses,
  maxGroupCoolDownSeconds,
  maxInstanceLimit,
} from '../../domain/scaling-group.js';
import { idReply, pagedList, pagingQuery, projectAnd } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the v1 scaling group API. The request body schemas are the ones the bodies
 * are checked against (wire.ts), each refusal answered with the cloud's code; the others
 * document and serialize: fields that the client's request carried through unchanged are
 * typed loosely, so they come back as they were sent.
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

/** Group names: letters, digits, Chinese characters, `_` and `-` (1 to 64 characters). */
export const groupNamePattern = '^[\\p{Script=Han}A-Za-z0-9_-]+$';

const instanceNumber = {
  type: 'integer',
  minimum: 0,
  maximum: maxInstanceLimit,
} as const;
const coolDownTime = {
  type: 'integer',
  minimum: 0,
  maximum: maxGroupCoolDownSeconds,
  description: 'Seconds; holds back alarm-triggered executions.',
} as const;
const textList = { type: 'array', items: text } as const;
const objectList = { type: 'array', items: { type: 'object' } } as const;

/**
 * The request fields both operations take, up to `vpc_id` (create only), in the order the
 * refusal of an unsupported field lists them. Besides the name and the numbers, they are
 * kept as sent and returned.
 */
const groupFieldsBeforeVpc = {
  scaling_group_name: {
    type: 'string',
    minLength: 1,
    maxLength: 64,
    pattern: groupNamePattern,
    description: '1 to 64 letters, digits, Chinese characters, _ or -.',
  },
  desire_instance_number: instanceNumber,
  min_instance_number: instanceNumber,
  max_instance_number: instanceNumber,
  cool_down_time: coolDownTime,
  scaling_configuration_id: text,
  lb_listener_id: { ...text, description: 'Not with lbaas_listeners.' },
  lbaas_listeners: { ...objectList, description: 'Not with lb_listener_id.' },
  available_zones: textList,
  networks: {
    type: 'array',
    minItems: 1,
    maxItems: 5,
    items: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', minLength: 1, description: 'Subnet id.' } },
    },
  },
  security_groups: { ...objectList, maxItems: 1 },
} as const;

/** The request fields both operations take after `vpc_id`, in the same order. */
const groupFieldsAfterVpc = {
  health_periodic_audit_method: { type: 'string', enum: ['ELB_AUDIT', 'NOVA_AUDIT'] },
  health_periodic_audit_time: {
    type: 'integer',
    enum: [0, 1, 5, 15, 60, 180],
    description: 'Minutes; 0 checks every 10 seconds.',
  },
  health_periodic_audit_grace_period: {
    type: 'integer',
    minimum: 0,
    maximum: 86_400,
    description: 'Seconds.',
  },
  instance_terminate_policy: {
    type: 'string',
    enum: ['OLD_CONFIG_OLD_INSTANCE', 'OLD_CONFIG_NEW_INSTANCE', 'OLD_INSTANCE', 'NEW_INSTANCE'],
  },
  notifications: textList,
  delete_publicip: { type: 'boolean' },
  delete_volume: { type: 'boolean' },
  enterprise_project_id: text,
  multi_az_priority_policy: { type: 'string', enum: ['EQUILIBRIUM_DISTRIBUTE', 'PICK_FIRST'] },
  iam_agency_name: text,
  description: {
    type: 'string',
    maxLength: 256,
    description: 'At most 256 characters, a character outside the BMP counting as two.',
  },
} as const;

/**
 * `POST .../scaling_group`. Defaults: min 0, max 0, desire = min (which a schema cannot
 * say), cool_down_time 300. The rules between fields (one kind of listener,
 * `min <= desire <= max`) are the error table's (wire.ts).
 */
export const groupCreateBody = {
  type: 'object',
  required: ['scaling_group_name', 'vpc_id', 'networks'],
  additionalProperties: false,
  properties: {
    ...groupFieldsBeforeVpc,
    min_instance_number: { ...instanceNumber, default: 0 },
    max_instance_number: { ...instanceNumber, default: 0 },
    cool_down_time: { ...coolDownTime, default: defaultGroupCoolDownSeconds },
    vpc_id: text,
    ...groupFieldsAfterVpc,
    tags: { ...objectList, maxItems: 10 },
  },
} as const;

/**
 * `PUT .../scaling_group/{id}`: every field optional, an absent one unchanged; `vpc_id` and
 * `tags` cannot be changed. The rules between fields are checked on the group as updated.
 */
export const groupUpdateBody = {
  type: 'object',
  additionalProperties: false,
  properties: { ...groupFieldsBeforeVpc, ...groupFieldsAfterVpc },
} as const;

/** `POST .../scaling_group/{id}/action`: `{"action": "resume" | "pause"}`. */
export const groupActionBody = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: { action: { type: 'string', enum: ['resume', 'pause'] } },
} as const;

export const groupSchemas = {
  groupParams: projectAnd('scaling_group_id', 'Scaling group id. Unknown: 400 AS.2007.'),
  groupCreateBody,
  groupUpdateBody,
  groupIdReply: idReply('scaling_group_id', 'The group id.'),
  groupShow: {
    type: 'object',
    required: ['scaling_group'],
    properties: { scaling_group: scalingGroup },
  },
  groupList: pagedList('scaling_groups', scalingGroup),
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
  groupActionBody,
} as const;
