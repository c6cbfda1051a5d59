import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { engineErrorResponses, noContent } from '../../http/resource-schemas.js';
import { asErrorOf } from '../../http/error-schemas.js';
import type { ScheduledTaskService } from './service.js';
import { scheduledTaskSchemas } from './schemas.js';
import { parseCreateTask, parseTaskListQuery, parseUpdateTask, taskToWire } from './wire.js';

export interface ScheduledTaskRoutesDeps {
  readonly scheduledTasks: ScheduledTaskService;
  readonly now: () => number;
}

/** Where the routes are mounted: the cloud's hyphenated `scaling-groups` paths of the v1 API. */
export const scheduledTasksPrefix = '/autoscaling-api/v1/:project_id/scaling-groups';

interface GroupRoute {
  Params: { project_id: string; scaling_group_id: string };
}
interface TaskRoute {
  Params: { project_id: string; scaling_group_id: string; scheduled_task_id: string };
}

const tags = ['scheduled tasks'];
const taskMissing = asErrorOf(['AS.0007'], 'The group has no such scheduled task.');

const createSchema = {
  summary: 'Create a scheduled task of a scaling group',
  description:
    "At its time (launch_time once, or on a DAILY, WEEKLY or MONTHLY recurrence between start_time and end_time, UTC) the task sets the group's min, max and desired numbers (those given; absent ones are kept) and its instances follow; the activity log records it. At most 10 tasks a group (AS.0022). Unknown group: 400 AS.2007. Schedule codes as for policies (AS.3003 to AS.3033); numbers AS.2004, AS.2005.",
  tags,
  params: scheduledTaskSchemas.groupParams,
  body: scheduledTaskSchemas.createBody,
  response: {
    200: scheduledTaskSchemas.created,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const listSchema = {
  summary: 'List the scheduled tasks of a scaling group',
  description:
    'Oldest first. Paging: limit (1 to 100, default 20) and marker (the page_info.next_marker of the page before); page_info.next_marker is present when more tasks follow. Unknown group: 400 AS.2007.',
  tags,
  params: scheduledTaskSchemas.groupParams,
  querystring: scheduledTaskSchemas.listQuery,
  response: {
    200: scheduledTaskSchemas.list,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const updateSchema = {
  summary: 'Update a scheduled task',
  description:
    'Changes the fields given (at least one). A new scheduled_policy is checked against now, as at creation, and its next occurrence is taken from now. Unknown group: 400 AS.2007; unknown task: 404 AS.0007. 204.',
  tags,
  params: scheduledTaskSchemas.taskParams,
  body: scheduledTaskSchemas.updateBody,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
    404: taskMissing,
  },
};

const deleteSchema = {
  summary: 'Delete a scheduled task',
  description: 'Unknown group: 400 AS.2007; unknown task: 404 AS.0007. 204.',
  tags,
  params: scheduledTaskSchemas.taskParams,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
    404: taskMissing,
  },
};

/**
 * The cloud's scheduled task API of a group: create, list, update, delete. The rules are the
 * {@link ScheduledTaskService}'s; the engine runs the tasks.
 */
export function scheduledTaskRoutes(deps: ScheduledTaskRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers read every request part themselves, each with its own code and message.
    app.setValidatorCompiler(acceptAsIs);
    app.post<GroupRoute>('/:scaling_group_id/scheduled-tasks', { schema: createSchema }, (r) =>
      createTask(deps, r),
    );
    app.get<GroupRoute>('/:scaling_group_id/scheduled-tasks', { schema: listSchema }, (r) =>
      listTasks(deps, r),
    );
    app.put<TaskRoute>(
      '/:scaling_group_id/scheduled-tasks/:scheduled_task_id',
      { schema: updateSchema },
      (request, reply) => updateTask(deps, request, reply),
    );
    app.delete<TaskRoute>(
      '/:scaling_group_id/scheduled-tasks/:scheduled_task_id',
      { schema: deleteSchema },
      (request, reply) => deleteTask(deps, request, reply),
    );
    done();
  };
}

async function createTask(
  { scheduledTasks, now }: ScheduledTaskRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const input = parseCreateTask(request.body, now());
  const task = await scheduledTasks.create(
    request.projectId,
    request.params.scaling_group_id,
    input,
  );
  return { task_id: task.id };
}

async function listTasks(
  { scheduledTasks }: ScheduledTaskRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const { limit, marker } = parseTaskListQuery(request.url);
  const page = await scheduledTasks.list(
    request.projectId,
    request.params.scaling_group_id,
    limit,
    marker,
  );
  return {
    page_info: page.nextMarker === undefined ? {} : { next_marker: page.nextMarker },
    scheduled_tasks: page.tasks.map(taskToWire),
  };
}

async function updateTask(
  { scheduledTasks, now }: ScheduledTaskRoutesDeps,
  request: FastifyRequest<TaskRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { scaling_group_id: groupId, scheduled_task_id: taskId } = request.params;
  await scheduledTasks.update(request.projectId, groupId, taskId, () =>
    parseUpdateTask(request.body, now()),
  );
  return reply.code(204).send();
}

async function deleteTask(
  { scheduledTasks }: ScheduledTaskRoutesDeps,
  request: FastifyRequest<TaskRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { scaling_group_id: groupId, scheduled_task_id: taskId } = request.params;
  await scheduledTasks.delete(request.projectId, groupId, taskId);
  return reply.code(204).send();
}
