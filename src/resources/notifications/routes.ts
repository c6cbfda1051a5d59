import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bodyObject } from '../../http/body-fields.js';
import { engineErrorResponses, noContent } from '../../http/resource-schemas.js';
import type { NotificationService } from './service.js';
import { notificationSchemas } from './schemas.js';
import { parseNotificationCreate, topicToWire } from './wire.js';

export interface NotificationRoutesDeps {
  readonly notifications: NotificationService;
}

/** Where the routes are mounted: the cloud's `scaling_notification` paths of the v1 API. */
export const notificationsPrefix = '/autoscaling-api/v1/:project_id/scaling_notification';

interface GroupRoute {
  Params: { project_id: string; scaling_group_id: string };
}
interface TopicRoute {
  Params: { project_id: string; scaling_group_id: string; topic_urn: string };
}

const tags = ['notifications'];

const putSchema = {
  summary: "Add a topic to a scaling group's notifications, or set its scenes",
  description:
    "At most 5 topics per group; a topic the group has already gets the scenes given. topic_urn: urn:smn:{region}:{project_id}:{topic_name} in the caller's project (no message service stands behind Scalelog: the name is the URN's last part). Bad body, URN, scene or a sixth topic: 400 AS.2034. Unknown group: 400 AS.2007. What would be sent is recorded: GET /scalelog/v1/{project_id}/notifications.",
  tags,
  params: notificationSchemas.groupParams,
  body: notificationSchemas.createBody,
  response: {
    200: notificationSchemas.topic,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const listSchema = {
  summary: "List a scaling group's notification topics",
  description: 'In the order they were added. Unknown group: 400 AS.2007.',
  tags,
  params: notificationSchemas.groupParams,
  response: {
    200: notificationSchemas.list,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const deleteSchema = {
  summary: "Remove a topic from a scaling group's notifications",
  description: 'Unknown group: 400 AS.2007; a topic the group does not have: 400 AS.2034. 204.',
  tags,
  params: notificationSchemas.topicParams,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

/** The cloud's notification API: put, list and delete a group's topics. */
export function notificationRoutes(deps: NotificationRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    app.setValidatorCompiler(acceptAsIs);
    app.put<GroupRoute>('/:scaling_group_id', { schema: putSchema }, (request) =>
      putNotification(deps, request),
    );
    app.get<GroupRoute>('/:scaling_group_id', { schema: listSchema }, (request) =>
      listNotifications(deps, request),
    );
    app.delete<TopicRoute>(
      '/:scaling_group_id/:topic_urn',
      { schema: deleteSchema },
      (request, reply) => deleteNotification(deps, request, reply),
    );
    done();
  };
}

async function putNotification(
  { notifications }: NotificationRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  bodyObject(request.body);
  const { topicUrn, scenes } = parseNotificationCreate(request.body);
  return topicToWire(
    await notifications.put(request.projectId, request.params.scaling_group_id, topicUrn, scenes),
  );
}

async function listNotifications(
  { notifications }: NotificationRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const topics = await notifications.list(request.projectId, request.params.scaling_group_id);
  return { topics: topics.map(topicToWire) };
}

async function deleteNotification(
  { notifications }: NotificationRoutesDeps,
  request: FastifyRequest<TopicRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { scaling_group_id: groupId, topic_urn: topicUrn } = request.params;
  await notifications.delete(request.projectId, groupId, topicUrn);
  return reply.code(204).send();
}
