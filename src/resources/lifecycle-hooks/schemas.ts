import {
  callbackResults,
  hookDefaultResults,
  hookTypes,
  hookWaitStatuses,
  maxHookMetadataLength,
  maxHookTimeoutSeconds,
  minHookTimeoutSeconds,
} from '../../domain/lifecycle-hook.js';
import { projectParams } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the lifecycle hook APIs: the bodies of create, update and callback (their
 * error tables in wire.ts), the hook and the hook instance list as answered.
 */

/** An SMN topic's URN: `urn:smn:{region}:{project}:{topic name}`. */
const topicUrnPattern = '^urn:smn:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9][A-Za-z0-9_-]{0,254}$';

const hookProperties = {
  lifecycle_hook_type: {
    type: 'string',
    enum: [...hookTypes],
    description: 'Missing: AS.7037; bad: AS.7033.',
  },
  default_result: {
    type: 'string',
    enum: [...hookDefaultResults],
    description: 'What the timeout applies; ABANDON by default. Bad: AS.7034.',
  },
  default_timeout: {
    type: 'integer',
    minimum: minHookTimeoutSeconds,
    maximum: maxHookTimeoutSeconds,
    description: 'Seconds an instance is held, 60 to 86400; 3600 by default. Bad: AS.7030.',
  },
  notification_topic_urn: {
    type: 'string',
    pattern: topicUrnPattern,
    description:
      'urn:smn:{region}:{project}:{topic}. No message is sent: Scalelog keeps the URN and shows the topic name. Missing or not a topic URN: AS.7043.',
  },
  notification_metadata: {
    type: 'string',
    maxLength: maxHookMetadataLength,
    pattern: "^[^<>&'()]*$",
    description: "At most 256 characters (AS.7035), none of < > & ' ( ) (AS.7055).",
  },
} as const;

export const createHookBody = {
  type: 'object',
  required: ['lifecycle_hook_name', 'lifecycle_hook_type', 'notification_topic_urn'],
  additionalProperties: false,
  properties: {
    lifecycle_hook_name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,32}$',
      description:
        'Letters, digits, _ and -, at most 32; unique in the group. Missing or empty: AS.7032; bad: AS.7031; taken: AS.7041.',
    },
    ...hookProperties,
  },
} as const;

export const updateHookBody = {
  type: 'object',
  additionalProperties: false,
  properties: hookProperties,
} as const;

export const callbackBody = {
  type: 'object',
  required: ['lifecycle_action_result'],
  additionalProperties: false,
  properties: {
    lifecycle_action_key: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'The hold, from the hook instance list; preferred over the other two.',
    },
    instance_id: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'With lifecycle_hook_name, when no lifecycle_action_key is given (AS.7040).',
    },
    lifecycle_hook_name: {
      type: 'string',
      minLength: 1,
      maxLength: 32,
      description: 'With instance_id, when no lifecycle_action_key is given (AS.7040).',
    },
    lifecycle_action_result: {
      type: 'string',
      enum: [...callbackResults],
      description: 'CONTINUE, ABANDON, or EXTEND (one more hour). Missing: AS.7039; bad: AS.7034.',
    },
  },
} as const;

const hook = {
  type: 'object',
  required: [
    'lifecycle_hook_name',
    'lifecycle_hook_type',
    'default_result',
    'default_timeout',
    'notification_topic_urn',
    'notification_topic_name',
    'notification_metadata',
    'create_time',
  ],
  properties: {
    lifecycle_hook_name: { type: 'string' },
    lifecycle_hook_type: { type: 'string', enum: [...hookTypes] },
    default_result: { type: 'string', enum: [...hookDefaultResults] },
    default_timeout: { type: 'integer' },
    notification_topic_urn: { type: 'string' },
    notification_topic_name: { type: 'string' },
    notification_metadata: { type: ['string', 'null'] },
    create_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
  },
} as const;

const hold = {
  type: 'object',
  required: [
    'lifecycle_hook_name',
    'lifecycle_action_key',
    'instance_id',
    'scaling_group_id',
    'lifecycle_hook_status',
    'timeout',
    'default_result',
  ],
  properties: {
    lifecycle_hook_name: { type: 'string' },
    lifecycle_action_key: { type: 'string' },
    instance_id: { type: 'string' },
    scaling_group_id: { type: 'string' },
    lifecycle_hook_status: { type: 'string', enum: [...hookWaitStatuses] },
    timeout: {
      type: 'string',
      description: 'When the default result applies: UTC yyyy-MM-ddThh:mm:ssZ.',
    },
    default_result: { type: 'string', enum: [...hookDefaultResults] },
  },
} as const;

const groupParam = {
  scaling_group_id: { type: 'string', description: 'The scaling group. Unknown: 400 AS.2007.' },
} as const;

export const hookSchemas = {
  groupParams: {
    type: 'object',
    required: ['project_id', 'scaling_group_id'],
    properties: { ...projectParams.properties, ...groupParam },
  },
  hookParams: {
    type: 'object',
    required: ['project_id', 'scaling_group_id', 'lifecycle_hook_name'],
    properties: {
      ...projectParams.properties,
      ...groupParam,
      lifecycle_hook_name: { type: 'string', description: 'The hook. Unknown: 400 AS.7036.' },
    },
  },
  hook,
  hookList: {
    type: 'object',
    required: ['lifecycle_hooks'],
    properties: { lifecycle_hooks: { type: 'array', items: hook } },
  },
  holdList: {
    type: 'object',
    required: ['instance_hanging_info'],
    properties: { instance_hanging_info: { type: 'array', items: hold } },
  },
  holdQuery: {
    type: 'object',
    properties: {
      instance_id: { type: 'string', description: 'Only the holds on this instance.' },
    },
  },
  createBody: createHookBody,
  updateBody: updateHookBody,
  callbackBody,
} as const;
