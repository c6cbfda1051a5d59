import { deliveryStatuses, sentScenes, topicScenes } from '../../domain/notification.js';
import { pagedList, pagingQuery, projectAnd, projectParams } from '../../http/resource-schemas.js';

/** Wire schemas of the notification API (the cloud's) and of Scalelog's notification endpoints. */

export const notificationCreateBody = {
  type: 'object',
  required: ['topic_urn', 'topic_scene'],
  additionalProperties: false,
  properties: {
    topic_urn: {
      type: 'string',
      minLength: 1,
      maxLength: 400,
      description:
        "The message service topic: urn:smn:{region}:{project_id}:{topic_name}, in the caller's project. Bad: 400 AS.2034.",
    },
    topic_scene: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', enum: topicScenes },
      description: 'The scenes the topic is told of, at least one. Bad: 400 AS.2034.',
    },
  },
} as const;

const topic = {
  type: 'object',
  required: ['topic_urn', 'topic_scene', 'topic_name'],
  properties: {
    topic_urn: { type: 'string' },
    topic_scene: { type: 'array', items: { type: 'string' } },
    topic_name: { type: 'string', description: "The URN's last part." },
  },
} as const;

export const webhookPutBody = {
  type: 'object',
  required: ['url', 'secret'],
  additionalProperties: false,
  properties: {
    url: {
      type: 'string',
      minLength: 1,
      maxLength: 2048,
      description: 'An http or https URL that takes the POSTs.',
    },
    secret: {
      type: 'string',
      minLength: 16,
      maxLength: 256,
      description:
        'The HMAC-SHA256 key of the signature header, 16 to 256 characters. Never shown in full.',
    },
  },
} as const;

const webhook = {
  type: 'object',
  required: ['topic_urn', 'url', 'secret_hint', 'create_time', 'update_time'],
  properties: {
    topic_urn: { type: 'string' },
    url: { type: 'string', description: 'A password in the URL is shown as ***.' },
    secret_hint: { type: 'string', description: 'The last four characters of the secret.' },
    create_time: { type: 'string' },
    update_time: { type: 'string' },
  },
} as const;

const sentNotification = {
  type: 'object',
  required: [
    'id',
    'scaling_group_id',
    'topic_urn',
    'topic_scene',
    'event_time',
    'message',
    'delivery_status',
    'attempts',
  ],
  properties: {
    id: { type: 'string' },
    scaling_group_id: { type: 'string' },
    topic_urn: { type: 'string' },
    topic_scene: { type: 'string', enum: sentScenes },
    scaling_activity_id: { type: 'string' },
    event_time: { type: 'string', description: 'When the event happened.' },
    message: { type: 'string', description: 'The message as delivered (a JSON text).' },
    delivery_status: {
      type: 'string',
      enum: deliveryStatuses,
      description:
        'NONE (the topic had no webhook), PENDING, DELIVERED or FAILED (given up or webhook removed).',
    },
    attempts: { type: 'integer' },
    last_error: { type: 'string' },
    last_attempt_time: { type: 'string' },
    next_attempt_time: { type: 'string' },
    delivered_time: { type: 'string' },
  },
} as const;

export const notificationSchemas = {
  createBody: notificationCreateBody,
  groupParams: projectAnd('scaling_group_id', 'The scaling group. Unknown: 400 AS.2007.'),
  topicParams: {
    type: 'object',
    required: ['project_id', 'scaling_group_id', 'topic_urn'],
    properties: {
      ...projectParams.properties,
      scaling_group_id: { type: 'string', description: 'The scaling group. Unknown: 400 AS.2007.' },
      topic_urn: { type: 'string', description: 'A topic of the group. Unknown: 400 AS.2034.' },
    },
  },
  topic,
  list: {
    type: 'object',
    required: ['topics'],
    properties: { topics: { type: 'array', items: topic } },
  },
  webhookBody: webhookPutBody,
  webhookParams: projectAnd('topic_urn', "A topic URN in the caller's project."),
  webhookShow: { type: 'object', required: ['topic'], properties: { topic: webhook } },
  webhookList: {
    type: 'object',
    required: ['topics'],
    properties: { topics: { type: 'array', items: webhook } },
  },
  sentList: pagedList('notifications', sentNotification),
  sentQuery: {
    type: 'object',
    properties: {
      scaling_group_id: { type: 'string' },
      topic_urn: { type: 'string' },
      topic_scene: { type: 'string', enum: sentScenes },
      delivery_status: { type: 'string', enum: deliveryStatuses },
      ...pagingQuery,
    },
  },
} as const;
