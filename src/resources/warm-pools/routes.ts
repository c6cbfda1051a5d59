import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { engineErrorResponses, noContent } from '../../http/resource-schemas.js';
import type { WarmPoolService } from './service.js';
import { warmPoolSchemas } from './schemas.js';
import {
  parsePutWarmPool,
  parseWarmPoolListQuery,
  pooledInstanceToWire,
  warmPoolToWire,
} from './wire.js';

export interface WarmPoolRoutesDeps {
  readonly warmPools: WarmPoolService;
}

/**
 * Where the routes are mounted: the cloud serves the warm pool API on two paths, the first
 * (`PutWarmPool`...) under `/autoscaling-api/{project_id}` with no version, the second
 * (`PutWarmPoolNew`...) under `/v2/{project_id}`. Both answer alike.
 */
export const warmPoolPrefixes = [
  { prefix: '/autoscaling-api/:project_id/scaling-groups', suffix: '' },
  { prefix: '/v2/:project_id/scaling-groups', suffix: ' (V2)' },
] as const;

interface GroupRoute {
  Params: { project_id: string; scaling_group_id: string };
}

const tags = ['warm pools'];

const schemas = (suffix: string) => ({
  put: {
    summary: `Enable or change a group's warm pool${suffix}`,
    description:
      "min_capacity and max_capacity together and equal, at most the group's max_instance_number, or both absent (the pool then keeps the group's maximum less its desired number); instance_init_wait_time 0 to 86400 s (default 0). The pool is filled from the group's configuration at once. Bad body: 400 AS.0022 (none: AS.0002); unknown group: 400 AS.2007. 204.",
    tags,
    params: warmPoolSchemas.groupParams,
    body: warmPoolSchemas.putBody,
    response: { 204: noContent, ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]) },
  },
  show: {
    summary: `Show a group's warm pool${suffix}`,
    description:
      "The pool's settings, min_capacity and max_capacity being the size it keeps now; {} when the group has none. Unknown group: 400 AS.2007.",
    tags,
    params: warmPoolSchemas.groupParams,
    response: {
      200: warmPoolSchemas.show,
      ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
    },
  },
  close: {
    summary: `Close a group's warm pool${suffix}`,
    description:
      'Its instances and their servers are deleted; a group without a pool is left as it is. Unknown group: 400 AS.2007. 204.',
    tags,
    params: warmPoolSchemas.groupParams,
    response: { 204: noContent, ...engineErrorResponses([400, 401, 403, 406, 500, 503]) },
  },
  list: {
    summary: `List the instances in a group's warm pool${suffix}`,
    description:
      'Oldest first: INITIALIZING until built and past instance_init_wait_time, then READY. limit 0 to 100 (default 20), marker: the last id of the page before (unknown: 400 AS.0022); page_info.next_marker when another page follows. Unknown group: 400 AS.2007.',
    tags,
    params: warmPoolSchemas.groupParams,
    querystring: warmPoolSchemas.listQuery,
    response: {
      200: warmPoolSchemas.list,
      ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
    },
  },
});

function routesAt(app: FastifyInstance, deps: WarmPoolRoutesDeps, prefix: string, suffix: string) {
  const schema = schemas(suffix);
  const pool = `${prefix}/:scaling_group_id/warm-pool`;
  app.put<GroupRoute>(pool, { schema: schema.put }, (request, reply) =>
    putWarmPool(deps, request, reply),
  );
  app.get<GroupRoute>(pool, { schema: schema.show }, (request) => showWarmPool(deps, request));
  app.delete<GroupRoute>(pool, { schema: schema.close }, (request, reply) =>
    closeWarmPool(deps, request, reply),
  );
  app.get<GroupRoute>(
    `${prefix}/:scaling_group_id/warm-pool-instances`,
    { schema: schema.list },
    (request) => listWarmPoolInstances(deps, request),
  );
}

/**
 * The cloud's warm pool API on both its paths: put, show, close, and list the pool's
 * instances. The rules are the {@link WarmPoolService}'s. Registered without a prefix: the
 * paths carry theirs ({@link warmPoolPrefixes}).
 */
export function warmPoolRoutes(deps: WarmPoolRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers read every request part themselves, each with its own code and message.
    app.setValidatorCompiler(acceptAsIs);
    for (const { prefix, suffix } of warmPoolPrefixes) routesAt(app, deps, prefix, suffix);
    done();
  };
}

async function putWarmPool(
  { warmPools }: WarmPoolRoutesDeps,
  request: FastifyRequest<GroupRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const settings = parsePutWarmPool(request.body);
  await warmPools.put(request.projectId, request.params.scaling_group_id, settings);
  return reply.code(204).send();
}

async function showWarmPool(
  { warmPools }: WarmPoolRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  return warmPoolToWire(await warmPools.show(request.projectId, request.params.scaling_group_id));
}

async function closeWarmPool(
  { warmPools }: WarmPoolRoutesDeps,
  request: FastifyRequest<GroupRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  await warmPools.close(request.projectId, request.params.scaling_group_id);
  return reply.code(204).send();
}

async function listWarmPoolInstances(
  { warmPools }: WarmPoolRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const { limit, marker } = parseWarmPoolListQuery(request.url);
  const page = await warmPools.listInstances(
    request.projectId,
    request.params.scaling_group_id,
    marker,
    limit,
  );
  return {
    page_info: page.nextMarker === undefined ? {} : { next_marker: page.nextMarker },
    warm_pool_instances: page.instances.map(pooledInstanceToWire),
  };
}
