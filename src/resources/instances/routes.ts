import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bodyObject } from '../../http/body-fields.js';
import { engineErrorResponses, noContent } from '../../http/resource-schemas.js';
import type { InstanceService } from './service.js';
import { instanceSchemas } from './schemas.js';
import {
  instanceToWire,
  parseInstanceBatch,
  parseInstanceListQuery,
  parseRemoveQuery,
} from './wire.js';

export interface InstanceRoutesDeps {
  readonly instances: InstanceService;
}

/** Where the routes are mounted: the cloud's `scaling_group_instance` paths of the v1 API. */
export const instancesPrefix = '/autoscaling-api/v1/:project_id/scaling_group_instance';

interface GroupRoute {
  Params: { project_id: string; scaling_group_id: string };
}
interface InstanceRoute {
  Params: { project_id: string; instance_id: string };
}

const tags = ['instances'];

const listSchema = {
  summary: 'List the instances of a scaling group',
  description:
    'Oldest first, as they are now: PENDING until the settle delay has passed, then INSERVICE; REMOVING until gone; STANDBY. Filters: life_cycle_state (AS.4003), health_status (AS.4004), protect_from_scaling_down (true or false). Paging: start_number (default 0, AS.4000), limit (default 20, 0 to 100, AS.4001). Unknown group: 400 AS.4005.',
  tags,
  params: instanceSchemas.groupParams,
  querystring: instanceSchemas.listQuery,
  response: {
    200: instanceSchemas.list,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const removeSchema = {
  summary: 'Remove an instance from its scaling group',
  description:
    'An INSERVICE instance (AS.4015), when no scaling action is under way (AS.2033) and the group keeps its minimum (AS.2036); the desired number drops by one. instance_delete=yes deletes its server too, unless it was added by hand (AS.4007 for a bad value). Unknown instance: 400 AS.4006. 204.',
  tags,
  params: instanceSchemas.instanceParams,
  querystring: instanceSchemas.removeQuery,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const batchSchema = {
  summary: 'Act on instances of a scaling group in a batch',
  description:
    'ADD (servers from /scalelog/v1/{project_id}/servers; an INSERVICE group, up to its maximum: AS.2033, AS.2035, AS.4006, AS.4023, AS.4027), REMOVE (INSERVICE instances, down to the minimum: AS.4015, AS.2036), PROTECT and UNPROTECT (INSERVICE instances), ENTER_STANDBY (INSERVICE instances; instance_append=yes keeps the desired number) and EXIT_STANDBY (STANDBY instances). 1 to 10 ids, all of the group (AS.4014). All or nothing. 204.',
  tags,
  params: instanceSchemas.groupParams,
  body: instanceSchemas.batchBody,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

/**
 * The cloud's instance API: list a group's instances, remove one, and the batch actions. The
 * rules are the {@link InstanceService}'s.
 */
export function instanceRoutes(deps: InstanceRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers read every request part themselves, each with its own code and message.
    app.setValidatorCompiler(acceptAsIs);
    app.get<GroupRoute>('/:scaling_group_id/list', { schema: listSchema }, (request) =>
      listInstances(deps, request),
    );
    app.delete<InstanceRoute>('/:instance_id', { schema: removeSchema }, (request, reply) =>
      removeInstance(deps, request, reply),
    );
    app.post<GroupRoute>('/:scaling_group_id/action', { schema: batchSchema }, (request, reply) =>
      actOnInstances(deps, request, reply),
    );
    done();
  };
}

async function listInstances(
  { instances }: InstanceRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const { filter, paging } = parseInstanceListQuery(request.url);
  const { total, instances: page } = await instances.list(
    request.projectId,
    request.params.scaling_group_id,
    filter,
    paging,
  );
  return {
    total_number: total,
    start_number: paging.startNumber,
    limit: paging.limit,
    scaling_group_instances: page.map(instanceToWire),
  };
}

async function removeInstance(
  { instances }: InstanceRoutesDeps,
  request: FastifyRequest<InstanceRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const deleteInstance = parseRemoveQuery(request.url);
  await instances.remove(request.projectId, request.params.instance_id, deleteInstance);
  return reply.code(204).send();
}

async function actOnInstances(
  { instances }: InstanceRoutesDeps,
  request: FastifyRequest<GroupRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  bodyObject(request.body);
  await instances.batch(
    request.projectId,
    request.params.scaling_group_id,
    parseInstanceBatch(request.body),
  );
  return reply.code(204).send();
}
