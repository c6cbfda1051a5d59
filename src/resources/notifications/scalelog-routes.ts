import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bodyObject } from '../../http/body-fields.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import type { NotificationService } from './service.js';
import { notificationSchemas } from './schemas.js';
import { parseSentQuery, parseWebhookPut, sentToWire, webhookToWire } from './wire.js';

export interface ScalelogNotificationRoutesDeps {
  readonly notifications: NotificationService;
}

/** Scalelog's own notification endpoints: what would have been sent, and the webhooks. */
export const scalelogNotificationsPrefix = '/scalelog/v1/:project_id';

interface ProjectRoute {
  Params: { project_id: string };
}
interface WebhookRoute {
  Params: { project_id: string; topic_urn: string };
}

const tags = ['notifications'];

const sentSchema = {
  summary: 'List the notifications recorded (Scalelog)',
  description:
    "Every notification a group's topics would have been sent, newest first, with its webhook delivery: delivery_status NONE (no webhook when recorded), PENDING, DELIVERED or FAILED, attempts, last_error. Filters: scaling_group_id, topic_urn, topic_scene, delivery_status (bad value: 400 AS.0022). Paging: start_number (default 0), limit (default 20, 0 to 100).",
  tags,
  params: projectParams,
  querystring: notificationSchemas.sentQuery,
  response: {
    200: notificationSchemas.sentList,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const putWebhookSchema = {
  summary: "Set a topic's webhook (Scalelog)",
  description:
    'Body {"url":"https://...","secret":"..."}: the topic\'s notifications are POSTed to url, signed with secret (HMAC-SHA256, see the README). 201 when new, 200 when replaced; the secret is never shown, only its last four characters. Bad URN: 400 AS.2034; bad body: 400 AS.0022.',
  tags,
  params: notificationSchemas.webhookParams,
  body: notificationSchemas.webhookBody,
  response: {
    200: notificationSchemas.webhookShow,
    201: notificationSchemas.webhookShow,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const showWebhookSchema = {
  summary: "Show a topic's webhook (Scalelog)",
  description: 'Unknown: 404 AS.0007.',
  tags,
  params: notificationSchemas.webhookParams,
  response: {
    200: notificationSchemas.webhookShow,
    ...engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
  },
};

const listWebhooksSchema = {
  summary: "List the project's topic webhooks (Scalelog)",
  description: 'By topic URN.',
  tags,
  params: projectParams,
  response: {
    200: notificationSchemas.webhookList,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const deleteWebhookSchema = {
  summary: "Delete a topic's webhook (Scalelog)",
  description:
    'Notifications still PENDING for it are given up (FAILED) when next tried. Unknown: 404 AS.0007. 204.',
  tags,
  params: notificationSchemas.webhookParams,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
  },
};

/** Scalelog's notification endpoints: the recorded notifications and the topics' webhooks. */
export function scalelogNotificationRoutes(
  deps: ScalelogNotificationRoutesDeps,
): FastifyPluginCallback {
  return (app, _options, done) => {
    app.setValidatorCompiler(acceptAsIs);
    app.get<ProjectRoute>('/notifications', { schema: sentSchema }, (request) =>
      listSent(deps, request),
    );
    app.get<ProjectRoute>('/notification-topics', { schema: listWebhooksSchema }, (request) =>
      listWebhooks(deps, request),
    );
    app.put<WebhookRoute>(
      '/notification-topics/:topic_urn',
      { schema: putWebhookSchema },
      (request, reply) => putWebhook(deps, request, reply),
    );
    app.get<WebhookRoute>(
      '/notification-topics/:topic_urn',
      { schema: showWebhookSchema },
      (request) => showWebhook(deps, request),
    );
    app.delete<WebhookRoute>(
      '/notification-topics/:topic_urn',
      { schema: deleteWebhookSchema },
      (request, reply) => deleteWebhook(deps, request, reply),
    );
    done();
  };
}

async function listSent(
  { notifications }: ScalelogNotificationRoutesDeps,
  request: FastifyRequest<ProjectRoute>,
) {
  const { filter, paging } = parseSentQuery(request.url);
  const { total, notifications: page } = await notifications.sent(
    request.projectId,
    filter,
    paging,
  );
  return {
    total_number: total,
    start_number: paging.startNumber,
    limit: paging.limit,
    notifications: page.map(sentToWire),
  };
}

async function listWebhooks(
  { notifications }: ScalelogNotificationRoutesDeps,
  request: FastifyRequest<ProjectRoute>,
) {
  return { topics: (await notifications.listWebhooks(request.projectId)).map(webhookToWire) };
}

async function putWebhook(
  { notifications }: ScalelogNotificationRoutesDeps,
  request: FastifyRequest<WebhookRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  bodyObject(request.body);
  const body = parseWebhookPut(request.body);
  const { webhook, created } = await notifications.putWebhook(
    request.projectId,
    request.params.topic_urn,
    body,
  );
  return reply.code(created ? 201 : 200).send({ topic: webhookToWire(webhook) });
}

async function showWebhook(
  { notifications }: ScalelogNotificationRoutesDeps,
  request: FastifyRequest<WebhookRoute>,
) {
  const webhook = await notifications.getWebhook(request.projectId, request.params.topic_urn);
  return { topic: webhookToWire(webhook) };
}

async function deleteWebhook(
  { notifications }: ScalelogNotificationRoutesDeps,
  request: FastifyRequest<WebhookRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  await notifications.deleteWebhook(request.projectId, request.params.topic_urn);
  return reply.code(204).send();
}
